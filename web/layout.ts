/**
 * The page shell of Relais' web pages, in the French State Design System (DSFR) as it is: the
 * header with the Marianne block and the service's name, a navigation, a language switch, the
 * main content, the footer. Plain HTML that works before any script; the DSFR's script and
 * live.js only add to it. The agent console uses it; a citizen space would pass its own service
 * name, navigation and catalogue.
 */
import { ASSETS } from './assets.ts';
import { html, raw, type Html } from './html.ts';
import { languages, translator, type Catalogue, type Lang } from './i18n.ts';

type ShellKey = 'republic' | 'skipToContent' | 'skipToNavigation' | 'mainNavigation' | 'languageSwitch' | 'footerText' | 'languageName';

const shell: Catalogue<ShellKey> = {
  fr: {
    republic: 'République<br>Française',
    skipToContent: 'Contenu',
    skipToNavigation: 'Menu',
    mainNavigation: 'Menu principal',
    languageSwitch: 'Langue',
    footerText: 'Relais — dites-le nous une fois. Logiciel libre des administrations publiques.',
    languageName: 'Français',
  },
  en: {
    republic: 'République<br>Française',
    skipToContent: 'Content',
    skipToNavigation: 'Menu',
    mainNavigation: 'Main menu',
    languageSwitch: 'Language',
    footerText: 'Relais — tell us once. Open-source software for public administrations.',
    languageName: 'English',
  },
};

export interface NavItem {
  href: string;
  label: string;
  current?: boolean;
}

export interface PageOptions {
  lang: Lang;
  /** The page's own title (the document title is `title — service`). */
  title: string;
  service: { name: string; tagline: string; home: string };
  nav: NavItem[];
  /** The right of the header: who is logged in, a logout form, or a login link. */
  tools: Html;
  /** The current URL, for the language switch. */
  url: string;
  main: Html;
}

function switchLanguage(url: string, to: Lang): string {
  const parsed = new URL(url, 'http://relais.invalid');
  parsed.searchParams.set('lang', to);
  return `${parsed.pathname}${parsed.search}`;
}

function languageLinks(options: PageOptions, label: string): Html {
  return html`<nav class="fr-translate" aria-label="${label}">
    <ul class="fr-btns-group fr-btns-group--inline-sm">
      ${languages.map(
        (l) =>
          html`<li>
            <a
              class="fr-btn fr-btn--tertiary fr-btn--sm"
              href="${switchLanguage(options.url, l)}"
              hreflang="${l}"
              lang="${l}"
              ${l === options.lang ? html` aria-current="true"` : ''}
              >${shell[l].languageName}</a
            >
          </li>`,
      )}
    </ul>
  </nav>`;
}

export function page(options: PageOptions): Html {
  const t = translator(shell, options.lang);
  return html`<!doctype html>
    <html lang="${options.lang}" data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${options.title} — ${options.service.name}</title>
        <link rel="stylesheet" href="${ASSETS}/dsfr.min.css" />
        <link rel="icon" href="${ASSETS}/favicon/favicon.svg" type="image/svg+xml" />
        <script type="module" src="${ASSETS}/dsfr.module.min.js"></script>
        <script type="module" src="${ASSETS}/live.js"></script>
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav class="fr-container" role="navigation" aria-label="${t('skipToContent')}">
            <ul class="fr-skiplinks__list">
              <li><a class="fr-link" href="#content">${t('skipToContent')}</a></li>
              <li><a class="fr-link" href="#navigation">${t('skipToNavigation')}</a></li>
            </ul>
          </nav>
        </div>
        <header role="banner" class="fr-header">
          <div class="fr-header__body">
            <div class="fr-container">
              <div class="fr-header__body-row">
                <div class="fr-header__brand fr-enlarge-link">
                  <div class="fr-header__brand-top">
                    <div class="fr-header__logo"><p class="fr-logo">${raw(t('republic'))}</p></div>
                  </div>
                  <div class="fr-header__service">
                    <a href="${options.service.home}" title="${options.service.name}"
                      ><p class="fr-header__service-title">${options.service.name}</p></a
                    >
                    <p class="fr-header__service-tagline">${options.service.tagline}</p>
                  </div>
                </div>
                <div class="fr-header__tools">
                  <div class="fr-header__tools-links">${options.tools}${languageLinks(options, t('languageSwitch'))}</div>
                </div>
              </div>
            </div>
          </div>
          <div class="fr-header__menu">
            <div class="fr-container">
              <nav class="fr-nav" id="navigation" role="navigation" aria-label="${t('mainNavigation')}">
                <ul class="fr-nav__list">
                  ${options.nav.map(
                    (item) =>
                      html`<li class="fr-nav__item">
                        <a class="fr-nav__link" href="${item.href}" ${item.current ? html` aria-current="page"` : ''}>${item.label}</a>
                      </li>`,
                  )}
                </ul>
              </nav>
            </div>
          </div>
        </header>
        <main role="main" id="content" class="fr-container fr-py-4w">${options.main}</main>
        <footer class="fr-footer" role="contentinfo">
          <div class="fr-container">
            <div class="fr-footer__body">
              <div class="fr-footer__brand"><p class="fr-logo">${raw(t('republic'))}</p></div>
              <div class="fr-footer__content"><p class="fr-footer__content-desc">${t('footerText')}</p></div>
            </div>
          </div>
        </footer>
      </body>
    </html>`;
}
