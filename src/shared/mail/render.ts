/**
 * Renders e-mails with the same Handlebars engine as the pages: `<name>.html.hbs` inside the
 * `email` layout and `<name>.text.hbs` as plain text, both beside the module's pages in views/
 * (e.g. views/surveys/emails/invitation.html.hbs). Handlebars escapes every value, so customer
 * data cannot inject markup into a message; the text part is not HTML and is not escaped.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TemplateDelegate } from 'handlebars';
import { viewsDir } from '../paths';
import { createViewEngine } from '../views/engine';

export interface RenderedEmail {
  html: string;
  text: string;
}

export interface EmailRenderer {
  /** `template` is relative to views/, without extension: `surveys/emails/invitation`. */
  render(template: string, context: Record<string, unknown>): Promise<RenderedEmail>;
}

export function createEmailRenderer(options: { cache?: boolean } = {}): EmailRenderer {
  const engine = createViewEngine();
  const cache = options.cache ?? false;
  const textTemplates = new Map<string, TemplateDelegate>();
  // Plain text is not HTML: compiled without escaping, or "<" would arrive as "&lt;".
  const renderText = async (file: string, context: Record<string, unknown>) => {
    let compiled = cache ? textTemplates.get(file) : undefined;
    if (!compiled) {
      compiled = engine.handlebars.compile(await readFile(file, 'utf8'), { noEscape: true });
      if (cache) textTemplates.set(file, compiled);
    }
    return compiled(context, { helpers: engine.helpers as never });
  };
  return {
    async render(template, context) {
      const base = path.join(viewsDir, template);
      if (!base.startsWith(viewsDir + path.sep)) throw new Error(`e-mail template outside views/: ${template}`);
      const [html, text] = await Promise.all([
        engine.renderView(`${base}.html.hbs`, { ...context, layout: 'email', cache } as never),
        renderText(`${base}.text.hbs`, context),
      ]);
      return { html, text: text.trim() + '\n' };
    },
  };
}
