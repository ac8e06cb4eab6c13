/**
 * Whether a write failed only on duplicate keys (code 11000) — for idempotent writes, where a
 * duplicate means "already done" and any other failure is a real one. Handles both a single
 * write's error and an unordered bulk write's list of errors.
 */
export function onlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: Array<{ code?: number; err?: { code?: number } }> }).writeErrors;
  if (!Array.isArray(writeErrors) || writeErrors.length === 0) return (error as { code?: number }).code === 11000;
  return writeErrors.every((writeError) => (writeError.code ?? writeError.err?.code) === 11000);
}
