/** True when `error` is MongoDB's duplicate-key error on an index over `field`. */
export function isDuplicateKeyOn(error: unknown, field: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, keyPattern } = error as { code?: unknown; keyPattern?: unknown };
  return code === 11000 && typeof keyPattern === 'object' && keyPattern !== null && field in keyPattern;
}
