/**
 * Campaign message templates: Handlebars with a fixed set of merge fields. A template is
 * checked when the campaign is saved — a syntax error or an unknown field is a clear error
 * then, never a broken or half-filled e-mail at send time.
 */
import Handlebars from 'handlebars';

/** The fields a marketer may use, e.g. {{name}}, {{offer}}, {{#if couponCode}}…{{/if}}. */
export const mergeFields = ['name', 'offer', 'couponCode', 'discountPercent', 'freeMonths', 'plan', 'causeText', 'ctaUrl', 'unsubscribeUrl'] as const;
export type MergeField = (typeof mergeFields)[number];
export type MergeValues = Partial<Record<MergeField, string | number | undefined>>;

const allowedBlocks = new Set(['if', 'unless']);

/** The problems of a template: empty when it is fine. */
export function templateProblems(source: string): string[] {
  let program: hbs.AST.Program;
  try {
    program = Handlebars.parse(source);
  } catch (error) {
    return [`template syntax error: ${(error as Error).message.split('\n')[0]}`];
  }
  const problems = new Set<string>();
  visit(program, problems);
  return [...problems];
}

function visit(node: hbs.AST.Node | hbs.AST.Program, problems: Set<string>): void {
  const statements = (node as hbs.AST.Program).body;
  if (!statements) return;
  for (const statement of statements) {
    if (statement.type === 'MustacheStatement') {
      const mustache = statement as hbs.AST.MustacheStatement;
      checkPath(mustache.path, problems);
      if (mustache.params.length > 0) problems.add(`helpers are not allowed: {{${pathName(mustache.path)} …}}`);
    } else if (statement.type === 'BlockStatement') {
      const block = statement as hbs.AST.BlockStatement;
      const name = pathName(block.path);
      if (!allowedBlocks.has(name)) problems.add(`only {{#if}} and {{#unless}} blocks are allowed, not {{#${name}}}`);
      for (const param of block.params) checkPath(param, problems);
      visit(block.program, problems);
      if (block.inverse) visit(block.inverse, problems);
    } else if (statement.type === 'PartialStatement' || statement.type === 'PartialBlockStatement' || statement.type === 'DecoratorBlock') {
      problems.add('partials are not allowed in campaign templates');
    }
  }
}

function checkPath(node: hbs.AST.Expression, problems: Set<string>): void {
  if (node.type !== 'PathExpression') return;
  const name = pathName(node);
  if (!(mergeFields as readonly string[]).includes(name)) problems.add(`unknown merge field {{${name}}}; use one of ${mergeFields.join(', ')}`);
}

function pathName(node: hbs.AST.Expression): string {
  return node.type === 'PathExpression' ? (node as hbs.AST.PathExpression).original : String((node as unknown as { value?: unknown }).value);
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** Renders a checked template; `escape` off for the plain-text part. */
export function renderTemplate(source: string, values: MergeValues, escape: boolean): string {
  const key = `${escape ? 'h' : 't'}:${source}`;
  let template = compiled.get(key);
  if (!template) {
    template = Handlebars.compile(source, { noEscape: !escape, strict: false, knownHelpersOnly: true, knownHelpers: { if: true, unless: true } });
    if (compiled.size > 500) compiled.clear();
    compiled.set(key, template);
  }
  return template(values);
}
