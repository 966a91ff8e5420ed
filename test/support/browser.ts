/**
 * A web front's pages in a real browser (Debian's Chromium through playwright-core, never a
 * downloaded one): launching it, weighing a navigation (bytes transferred), and checking a page
 * as it is — its language, 0 axe-core violations, a screenshot, its first contentful paint — in
 * French and in English. The figures are printed by `printFigures` after the suite.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface Figures {
  screen: string;
  bytes: number;
  /** First contentful paint, or (when Chromium reports none for a page that looks the same) DOMContentLoaded. */
  firstPaintMs: number;
}

/** One suite's pages: where their screenshots go, and their figures. */
export class PageChecks {
  readonly figures: Figures[] = [];
  readonly #artifacts: string;

  constructor(artifacts: string) {
    this.#artifacts = artifacts;
    mkdirSync(artifacts, { recursive: true });
  }

  /** Counts the bytes transferred (headers and encoded bodies) while `navigate` runs. */
  async weighed(page: Page, navigate: () => Promise<unknown>): Promise<number> {
    const responses: Promise<number>[] = [];
    const listener = (response: Response) =>
      responses.push(
        response
          .request()
          .sizes()
          .then((s) => s.responseBodySize + s.responseHeadersSize)
          .catch(() => 0),
      );
    page.on('response', listener);
    await navigate();
    await page.waitForLoadState('load');
    page.off('response', listener);
    return (await Promise.all(responses)).reduce((a, b) => a + b, 0);
  }

  /** The page as it is: its language, 0 axe violations, a screenshot, its figures. */
  async check(page: Page, screen: string, lang: 'fr' | 'en', bytes = -1): Promise<void> {
    const firstPaintMs = await page.evaluate<number>(
      // A string: the test's TypeScript has no DOM library.
      `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? performance.getEntriesByType('navigation')[0]?.domContentLoadedEventEnd ?? -1`,
    );
    assert.equal(await page.getAttribute('html', 'lang'), lang, `${screen}: the page's language`);
    const { violations } = await new AxeBuilder({ page }).analyze();
    assert.deepEqual(
      violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
      [],
      `${screen} (${lang}): axe-core violations`,
    );
    await page.screenshot({ path: `${this.#artifacts}/${screen}-${lang}.png`, fullPage: true });
    this.figures.push({ screen: `${screen} (${lang})`, bytes, firstPaintMs: Math.round(firstPaintMs) });
  }

  /** Checks the screen as it is (French), then the same URL in English, then back in French. */
  async bothLanguages(page: Page, screen: string, bytes: number): Promise<void> {
    await this.check(page, screen, 'fr', bytes);
    const url = new URL(page.url());
    url.searchParams.set('lang', 'en');
    const englishBytes = await this.weighed(page, () => page.goto(url.toString()));
    await this.check(page, screen, 'en', englishBytes);
    url.searchParams.set('lang', 'fr');
    await page.goto(url.toString());
  }

  print(): void {
    console.log('screen figures (bytes transferred, first contentful paint):');
    for (const f of this.figures)
      console.log(`  ${f.screen.padEnd(28)} ${String(f.bytes).padStart(8)} B  ${String(f.firstPaintMs).padStart(5)} ms`);
  }
}

/** Logs in at the local OpenID provider's development pages (any password), consenting once. */
export async function logInAtProvider(page: Page, siteUrl: string, login: string, linkName: string): Promise<void> {
  await page.goto(siteUrl);
  await page.getByRole('link', { name: linkName }).first().click();
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', 'demo');
  await page.click('button[type=submit]');
  const consent = page.locator('button:has-text("Continue")');
  if (await consent.count()) await consent.click();
  await page.waitForURL(`${siteUrl}/**`);
}
