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

/** The submitted values to show again, without passwords and the CSRF token. */
export function valuesToShowAgain(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object') return {};
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    if (key === '_csrf' || /password/i.test(key)) continue;
    values[key] = value;
  }
  return values;
}
