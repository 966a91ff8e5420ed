/**
 * The language of a page and the formatting that follows from it. French by default; `?lang=`
 * switches and a cookie keeps the choice. Texts live in one catalogue per language (the caller's
 * `Catalogue`), dates and numbers are formatted for the language (Europe/Paris), so no template
 * holds a string of its own. A citizen space reuses this as it is, with its own catalogue.
 */
import type { Request, Response } from 'express';

export const languages = ['fr', 'en'] as const;
export type Lang = (typeof languages)[number];
export const LANG_COOKIE = 'relais_lang';

const isLang = (value: unknown): value is Lang => typeof value === 'string' && (languages as readonly string[]).includes(value);

/** The cookie named `name` of the request (no cookie parser needed for two cookies). */
export function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

/** The page's language: `?lang=` (remembered in a cookie), else the cookie, else French. */
export function languageOf(req: Request, res: Response): Lang {
  const asked = req.query['lang'];
  if (isLang(asked)) {
    res.cookie(LANG_COOKIE, asked, { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 365 * 86_400_000 });
    return asked;
  }
  const kept = cookieOf(req, LANG_COOKIE);
  return isLang(kept) ? kept : 'fr';
}

/** A catalogue: every key in every language (the type makes a missing translation a compile error). */
export type Catalogue<K extends string> = Record<Lang, Record<K, string>>;

/** `t('key', { n: 3 })` in one language: `{n}` placeholders replaced. */
export function translator<K extends string>(catalogue: Catalogue<K>, lang: Lang) {
  return (key: K, values: Record<string, string | number> = {}): string =>
    catalogue[lang][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

const LOCALES: Record<Lang, string> = { fr: 'fr-FR', en: 'en-GB' };

export function formatDateTime(lang: Lang, iso: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Paris' }).format(
    new Date(iso),
  );
}

export function formatNumber(lang: Lang, value: number, digits = 0): string {
  return new Intl.NumberFormat(LOCALES[lang], { maximumFractionDigits: digits }).format(value);
}
