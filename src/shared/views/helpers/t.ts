import type { HelperOptions } from 'handlebars';
import { translate } from '../../i18n/translator';
import { pageLocale } from './page-locale';

/**
 * `{{t "accounts:login.title"}}` — the text for a key in the page's language;
 * `{{t "common:greeting" name=user.name}}` fills `{{name}}` in the text. Use it with double
 * braces only: the result is escaped by Handlebars like any other value.
 */
export function t(key: unknown, options?: HelperOptions): string {
  if (typeof key !== 'string' || key === '') return '';
  return translate(pageLocale(options), key, options?.hash as Record<string, unknown> | undefined);
}
