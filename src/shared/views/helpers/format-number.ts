import type { HelperOptions } from 'handlebars';
import { intlLocaleOf } from '../../i18n/locales';
import { pageLocale } from './page-locale';

/**
 * `{{formatNumber customer.revenue}}` — a number with the page language's grouping and decimal
 * marks. Options: `style="percent"` (0.25 → 25%), `style="currency" currency="EUR"`,
 * `maximumFractionDigits=1`, `minimumFractionDigits=0`. Empty for missing or non-numeric values.
 */
export function formatNumber(value: unknown, options?: HelperOptions): string {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number)) return '';
  const hash = (options?.hash ?? {}) as Record<string, unknown>;
  const style = hash.style === 'percent' || hash.style === 'currency' ? hash.style : 'decimal';
  const currency = typeof hash.currency === 'string' ? hash.currency : undefined;
  if (style === 'currency' && currency === undefined) return formatNumber(number, { ...options, hash: { ...hash, style: 'decimal' } } as HelperOptions);
  return new Intl.NumberFormat(intlLocaleOf(pageLocale(options)), {
    style,
    currency,
    maximumFractionDigits: digits(hash.maximumFractionDigits),
    minimumFractionDigits: digits(hash.minimumFractionDigits),
  }).format(number);
}

function digits(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 20 ? value : undefined;
}
