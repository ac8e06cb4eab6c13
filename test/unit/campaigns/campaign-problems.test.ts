import { problemsByField, problemText } from '../../../src/modules/campaigns/campaign-problems';
import { translatorFor } from '../../../src/shared/i18n/translator';

const en = translatorFor('en');
const zh = translatorFor('zh-CN');

test('when the campaign rules report a problem, then the form says it in the page language', () => {
  expect(problemText('an offer between 0 and 100%', zh)).toBe('优惠须在 0 到 100% 之间。');
  expect(problemText('unknown merge field {{password}}; use one of name, offer', en)).toBe('Unknown merge field {{password}}. Use one of the merge fields listed above.');
  expect(problemText('template syntax error: Parse error on line 1:', en)).toBe('The template has a syntax error: Parse error on line 1:');
  expect(problemText('Too big: expected number to be <=24', en)).toBe('Enter at most 24.');
  expect(problemText('something nobody translated', zh)).toBe('something nobody translated');
});

test('when the audience is invalid, then the problem belongs to the segment choice', () => {
  const byField = problemsByField(
    [
      { field: 'audience.groups.0.conditions.0.field', reason: 'segments:validation.field' },
      { field: 'schedule.windowEndHour', reason: 'the send window must end after it starts' },
    ],
    en,
  );
  expect(byField).toEqual({ segmentId: 'Choose a saved segment for the audience.', 'schedule.windowEndHour': 'The send window must end after it starts.' });
});
