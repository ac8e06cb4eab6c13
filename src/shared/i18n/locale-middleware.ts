/**
 * Chooses the language of each request and makes it available to handlers (`req.locale`,
 * `req.t`) and templates (`locale`, `languageLinks`). Order: `?lang=` on this request (then
 * remembered in a cookie), the remembered choice, the signed-in user's preference, the
 * browser's Accept-Language, English.
 */
import type { RequestHandler } from 'express';
import { localeLabels, resolveLocale, supportedLocales, type Locale } from './locales';
import { translatorFor, type Translate } from './translator';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own extension point
  namespace Express {
    interface Request {
      /** The language this request is answered in. */
      locale: Locale;
      /** Translates a key into `locale`. */
      t: Translate;
    }
  }
}

export const languageCookie = 'lang';

/** One entry of the language switch. */
export interface LanguageLink {
  code: Locale;
  label: string;
  href: string;
  current: boolean;
}

export interface LocaleOptions {
  /** Mark the language cookie Secure (the site is served over HTTPS). */
  secureCookies: boolean;
}

export function selectLocale({ secureCookies }: LocaleOptions): RequestHandler {
  return (req, res, next) => {
    const requested = typeof req.query.lang === 'string' ? req.query.lang : undefined;
    const remembered = cookieValue(req.headers.cookie, languageCookie);
    // Set by the sign-in session, when there is one; this module does not depend on it.
    const preferred = (req as { user?: { preferredLocale?: unknown } }).user?.preferredLocale;
    const locale = resolveLocale({ requested, remembered, preferred, acceptLanguage: req.headers['accept-language'] });

    if (requested === locale && remembered !== locale) {
      res.cookie(languageCookie, locale, { maxAge: 365 * 24 * 3600 * 1000, httpOnly: true, sameSite: 'lax', secure: secureCookies, path: '/' });
    }
    req.locale = locale;
    req.t = translatorFor(locale);
    res.locals.locale = locale;
    res.locals.languageLinks = languageLinks(req.originalUrl, locale);
    next();
  };
}

/** Links to the current page in each language (other query parameters kept). */
export function languageLinks(originalUrl: string, current: Locale): LanguageLink[] {
  return supportedLocales.map((code) => {
    const url = new URL(originalUrl, 'http://localhost');
    url.searchParams.set('lang', code);
    return { code, label: localeLabels[code], href: `${url.pathname}${url.search}`, current: code === current };
  });
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator > 0 && part.slice(0, separator).trim() === name) return safelyDecoded(part.slice(separator + 1).trim());
  }
  return undefined;
}

/** A hand-edited cookie like `lang=%E0` must not turn into a 500. */
function safelyDecoded(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
