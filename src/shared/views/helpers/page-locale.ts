import type { HelperOptions } from 'handlebars';
import { defaultLocale, isLocale, type Locale } from '../../i18n/locales';

/**
 * The language a template is being rendered in: the `locale` of the render context (set per
 * request by the locale middleware, or passed explicitly for e-mails), else English.
 */
export function pageLocale(options: HelperOptions | undefined): Locale {
  const root = (options?.data as { root?: { locale?: unknown } } | undefined)?.root;
  return isLocale(root?.locale) ? root.locale : defaultLocale;
}
