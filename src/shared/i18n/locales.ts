/**
 * The languages the staff UI is offered in, and how one is chosen for a request.
 */

export const supportedLocales = ['en', 'zh-CN'] as const;
export type Locale = (typeof supportedLocales)[number];
export const defaultLocale: Locale = 'en';

/** How each language is named in the language switch: in its own language. */
export const localeLabels: Record<Locale, string> = { en: 'English', 'zh-CN': '中文' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (supportedLocales as readonly string[]).includes(value);
}

/** The Intl locale for dates and numbers: British English reads "22 Nov 2025", not "Nov 22". */
export function intlLocaleOf(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : locale;
}

export interface LocaleSources {
  /** `?lang=` on this request. */
  requested?: unknown;
  /** The choice remembered from an earlier `?lang=` (cookie). */
  remembered?: unknown;
  /** The signed-in staff user's preference. */
  preferred?: unknown;
  /** The browser's Accept-Language header. */
  acceptLanguage?: string;
}

/** The first usable of: this request's switch, the remembered switch, the user's preference, the browser's, English. */
export function resolveLocale(sources: LocaleSources): Locale {
  for (const candidate of [sources.requested, sources.remembered, sources.preferred]) {
    if (isLocale(candidate)) return candidate;
  }
  return localeFromAcceptLanguage(sources.acceptLanguage) ?? defaultLocale;
}

/**
 * The best supported language in an Accept-Language header, by quality. Any Chinese tag
 * (`zh`, `zh-Hans`, `zh-TW` …) maps to zh-CN, the only Chinese we have; any English to en.
 */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, position) => {
      const [tag, ...params] = part.trim().split(';');
      const qParam = params.find((param) => param.trim().startsWith('q='));
      const quality = qParam === undefined ? 1 : Number(qParam.trim().slice(2));
      return { tag: tag.trim().toLowerCase(), quality: Number.isFinite(quality) ? quality : 0, position };
    })
    .filter((entry) => entry.tag !== '' && entry.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.position - b.position);

  for (const { tag } of ranked) {
    const language = tag.split('-')[0];
    if (language === 'zh') return 'zh-CN';
    if (language === 'en') return 'en';
  }
  return undefined;
}
