import { create } from 'express-handlebars';
import { helpers } from '../../src/shared/views/helpers';

const { handlebars } = create();

/** Renders the way express-handlebars does: our helpers passed in at render time. */
function render(template: string, context: Record<string, unknown> = {}): string {
  return handlebars.compile(template, {})(context, { helpers });
}

describe('view helpers', () => {
  it('when a date is formatted, then it reads day, short month and year', () => {
    expect(render('{{formatDate churnedAt}}', { churnedAt: new Date('2025-11-22T10:00:00Z') })).toBe('22 Nov 2025');
  });

  it('when a date is missing or invalid, then nothing is shown', () => {
    expect(render('[{{formatDate churnedAt}}]', {})).toBe('[]');
    expect(render('[{{formatDate churnedAt}}]', { churnedAt: 'not a date' })).toBe('[]');
  });

  it('when a locale is given, then the date follows it', () => {
    expect(render('{{formatDate at locale="en-US"}}', { at: '2025-11-22T00:00:00Z' })).toBe('Nov 22, 2025');
  });

  it('when eq compares values, then only strictly equal ones match', () => {
    expect(render('{{#if (eq status "open")}}yes{{else}}no{{/if}}', { status: 'open' })).toBe('yes');
    expect(render('{{#if (eq count "1")}}yes{{else}}no{{/if}}', { count: 1 })).toBe('no');
  });

  it('when year is used, then it is the current year', () => {
    expect(render('{{year}}')).toBe(String(new Date().getFullYear()));
  });
});
