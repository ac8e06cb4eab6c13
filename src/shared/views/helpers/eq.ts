/** `{{#if (eq status "open")}}` — strict equality, for choosing between variants in a template. */
export function eq(left: unknown, right: unknown): boolean {
  return left === right;
}
