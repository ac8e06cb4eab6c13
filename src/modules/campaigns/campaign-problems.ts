/**
 * The campaign rules' problems (campaign.schemas.ts, templates.ts, zod's own) as text in the
 * page's language. The rules speak English for API callers; the form shows each problem
 * translated when it is one we know, and as it is otherwise.
 */
import type { FieldProblem } from '../../shared/errors';
import type { Translate } from '../../shared/i18n/translator';

/** Problems by form field (the campaign path; audience problems belong to the segment choice). */
export function problemsByField(problems: FieldProblem[], t: Translate): Record<string, string> {
  const byField: Record<string, string> = {};
  for (const problem of problems) {
    const audience = problem.field === 'segmentId' || problem.field === 'audience' || problem.field.startsWith('audience.');
    const field = audience ? 'segmentId' : problem.field || 'form';
    byField[field] ??= audience ? t('campaigns:problem.audience') : problemText(problem.reason, t);
  }
  return byField;
}

export function problemText(reason: string, t: Translate): string {
  const known = exact[reason];
  if (known) return t(`campaigns:problem.${known}`);
  for (const [pattern, key, values] of patterns) {
    const match = pattern.exec(reason);
    if (match) return t(`campaigns:problem.${key}`, values(match));
  }
  return reason;
}

// ---------------------------------------------------------------------------------------------

const exact: Record<string, string> = {
  required: 'required',
  'an offer between 0 and 100%': 'percent',
  'the send window must end after it starts': 'windowOrder',
  'an http(s) address': 'url',
  'add at least one offer rule': 'noOffers',
  'a date and time': 'dateTime',
  'steps must come on later and later days': 'stepOrder',
  'an offer sent by e-mail needs at least one message variant': 'noVariants',
  'variant keys must be unique': 'variantKeys',
  'a discount needs a percentage': 'discountMissing',
  'a coupon offer needs a code': 'couponMissing',
  'say how many months are free': 'monthsMissing',
  'name the plan to offer': 'planMissing',
  'an IANA time zone such as Europe/Helsinki': 'timezone',
  'letters, digits, _ or -': 'variantKey',
  'partials are not allowed in campaign templates': 'partials',
};

type Values = (match: RegExpExecArray) => Record<string, string>;
const patterns: Array<[RegExp, string, Values]> = [
  [/^template syntax error: (.*)$/s, 'syntax', (m) => ({ detail: m[1] })],
  [/^unknown merge field \{\{(.*?)\}\};/, 'unknownField', (m) => ({ field: `{{${m[1]}}}` })],
  [/^helpers are not allowed: (.*)$/, 'helpers', (m) => ({ usage: m[1] })],
  [/^only \{\{#if\}\} and \{\{#unless\}\} blocks are allowed, not (.*)$/, 'blocks', (m) => ({ block: m[1] })],
  [/^at most (\d+) characters$/, 'tooLong', (m) => ({ max: m[1] })],
  [/expected int, received/, 'wholeNumber', () => ({})],
  [/expected number, received/, 'number', () => ({})],
  [/^Too small: expected (?:number|int) to be >=?(-?[\d.]+)$/, 'atLeast', (m) => ({ min: m[1] })],
  [/^Too big: expected (?:number|int) to be <=?(-?[\d.]+)$/, 'atMost', (m) => ({ max: m[1] })],
  [/^Too small: expected array to have >=?1 items?$/, 'pickOne', () => ({})],
  [/^Invalid option/, 'choice', () => ({})],
  [/^unknown cause "(.*)"$/s, 'unknownCause', (m) => ({ cause: m[1] })],
  [/^cause "(.*)" is retired/s, 'retiredCause', (m) => ({ cause: m[1] })],
  [/^Too big: expected string/, 'tooLongPlain', () => ({})],
];
