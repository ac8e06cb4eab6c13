import { dateFromLocalInput, localInputOf } from '../../../src/modules/campaigns/local-time';

test('when a start time is typed for a time zone, then it names that moment in that zone, also across daylight saving', () => {
  expect(dateFromLocalInput('2026-11-02T10:00', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-02T02:00:00.000Z');
  expect(dateFromLocalInput('2026-07-01T09:30', 'Europe/Helsinki')?.toISOString()).toBe('2026-07-01T06:30:00.000Z');
  expect(dateFromLocalInput('2026-01-15T09:30', 'Europe/Helsinki')?.toISOString()).toBe('2026-01-15T07:30:00.000Z');
  expect(dateFromLocalInput('2026-03-08T12:00', 'America/New_York')?.toISOString()).toBe('2026-03-08T16:00:00.000Z');
  expect(dateFromLocalInput('2026-11-02T10:00', 'UTC')?.toISOString()).toBe('2026-11-02T10:00:00.000Z');
});

test('when the text is no date-time, then there is no moment', () => {
  for (const text of ['', 'tomorrow', '2026-02-30T10:00', '2026-11-02T25:00', '2026-11-02']) expect(dateFromLocalInput(text, 'UTC')).toBeNull();
});

test('when a moment is shown for a zone, then it reads back as the same moment', () => {
  const moment = new Date('2026-10-25T00:30:00Z');
  for (const zone of ['UTC', 'Asia/Shanghai', 'Europe/Helsinki', 'America/Los_Angeles']) {
    expect(dateFromLocalInput(localInputOf(moment, zone), zone)?.getTime()).toBe(moment.getTime());
  }
  expect(localInputOf(moment, 'Asia/Shanghai')).toBe('2026-10-25T08:30');
  expect(localInputOf(moment, 'Not/AZone')).toBe('2026-10-25T00:30');
});

test('when a local time happens twice or not at all on a daylight-saving day, then the first occurrence or the time after the gap is taken', () => {
  // Helsinki: 04:00 EEST became 03:00 EET on 25 October 2026, and 03:00 EET became 04:00 EEST on 29 March.
  expect(dateFromLocalInput('2026-10-25T03:30', 'Europe/Helsinki')?.toISOString()).toBe('2026-10-25T00:30:00.000Z');
  expect(dateFromLocalInput('2026-03-29T03:30', 'Europe/Helsinki')?.toISOString()).toBe('2026-03-29T01:30:00.000Z');
});
