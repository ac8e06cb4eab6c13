import type { HelperOptions } from 'handlebars';
import { intlLocaleOf } from '../../i18n/locales';
import { pageLocale } from './page-locale';

/**
 * `{{formatDateTime user.lastLoginAt}}` — a moment as date and time in the page's language,
 * in UTC and saying so ("22 Nov 2025, 14:05 UTC"), since staff may sit in several time zones.
 * Empty for missing or invalid values.
 */
export function formatDateTime(value: unknown, options?: HelperOptions): string {
  const date = value instanceof Date ? value : typeof value === 'string' || typeof value === 'number' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) return '';
  return new Intl.DateTimeFormat(intlLocaleOf(pageLocale(options)), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: 'UTC',
    timeZoneName: 'short',
  }).format(date);
}
