/** `{{year}}` — the current year, for copyright lines in page and e-mail footers. */
export function year(): number {
  return new Date().getFullYear();
}
