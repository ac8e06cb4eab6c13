import type { HelperOptions } from 'handlebars';
import { intlLocaleOf } from '../../i18n/locales';
import { pageLocale } from './page-locale';

/**
 * `{{formatDate customer.churnedAt}}` — a date as "22 Nov 2025" (or "2025年11月22日" on a
 * Chinese page); empty for missing or invalid dates so a template never shows "Invalid Date".
 * `locale=` overrides the page's language.
 */
export function formatDate(value: unknown, options?: HelperOptions): string {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '';
  const locale = typeof options?.hash?.locale === 'string' ? options.hash.locale : intlLocaleOf(pageLocale(options));
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}
