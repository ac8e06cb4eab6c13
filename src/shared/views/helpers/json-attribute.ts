/**
 * `data-spec="{{jsonAttribute spec}}"` — a value as JSON text for an HTML attribute. The text is
 * not marked safe, so Handlebars escapes it and the browser un-escapes it when reading the
 * attribute: data reaches page scripts without an inline script or a `</script>` escape hazard.
 */
export function jsonAttribute(value: unknown): string {
  return JSON.stringify(value ?? null);
}
