/**
 * Reads the fields of a form in a rendered page the way a browser would submit it: text and
 * number inputs, checked boxes and radios, textareas and the selected option of each select.
 * Enough for our own server-rendered forms (no scripts, no nested forms), so a test can post a
 * form back as the page drew it.
 */

/** The fields of the first form whose action is `action`, as name → values. */
export function formFieldsOf(html: string, action: string): Record<string, string[]> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form with action ${action}`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const fields: Record<string, string[]> = {};
  const add = (name: string, value: string) => (fields[unescape(name)] ??= []).push(unescape(value));

  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name');
    const type = attribute(tag, 'type') ?? 'text';
    if (!name || type === 'submit' || type === 'button') continue;
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue;
    add(name, attribute(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''));
  }
  for (const [, attributes, text] of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attribute(attributes, 'name');
    if (name) add(name, text);
  }
  for (const [, attributes, options] of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attribute(attributes, 'name');
    if (!name) continue;
    const all = [...options.matchAll(/<option\b([^>]*)>/g)].map(([, optionAttributes]) => optionAttributes);
    const chosen = all.find((optionAttributes) => /\sselected\b/.test(optionAttributes)) ?? all[0];
    if (chosen !== undefined) add(name, attribute(chosen, 'value') ?? '');
  }
  return fields;
}

/** One value per field (the last), for forms without repeated names. */
export function singleValues(fields: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([name, values]) => [name, values[values.length - 1]]));
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
}

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&#x60;/g, '`')
    .replace(/&#x3D;/g, '=')
    .replace(/&amp;/g, '&');
}
