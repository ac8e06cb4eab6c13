import type { HelperOptions } from 'handlebars';

/**
 * `{{formatDate customer.churnedAt}}` — a date as "22 Nov 2025"; empty for missing or invalid
 * dates so a template never shows "Invalid Date". `locale=` overrides the default `en-GB`.
 */
export function formatDate(value: unknown, options?: HelperOptions): string {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '';
  const locale = typeof options?.hash?.locale === 'string' ? options.hash.locale : 'en-GB';
  return new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}
