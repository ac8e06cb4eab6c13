/**
 * Reading an HTML form with a zod schema. A form that does not pass is shown again with a
 * message beside each field and the values the user typed, so nothing they entered is lost.
 * Schemas used here give translation keys as messages (e.g. `common:validation.email`);
 * templates translate them with `{{t}}`.
 */
import type { z } from 'zod';

export type FieldErrors = Record<string, string>;

export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FieldErrors };

export function readForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.') || 'form';
    errors[field] ??= issue.message;
  }
  return { ok: false, errors };
}

/**
 * The submitted values to show again, without passwords and the CSRF token. Only what a form
 * can send is kept — text, or a list of texts: anything else came in a crafted JSON body, and
 * an object with its own `toString` crashed the template that printed it.
 */
export function valuesToShowAgain(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object') return {};
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf' || key === '__proto__' || /password/i.test(key)) continue;
    const shown = formValue(value);
    if (shown !== undefined) values[key] = shown;
  }
  return values;
}

function formValue(value: unknown): string | string[] | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  return undefined;
}
