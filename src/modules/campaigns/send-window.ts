/**
 * Send windows in the recipient's time zone: "9:00–18:00 local, weekdays". Pure functions.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function localParts(at: Date, timeZone: string): { hour: number; weekday: number } {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23', weekday: 'short' });
    formatters.set(timeZone, format);
  }
  let hour = 0;
  let weekday = 0;
  for (const part of format.formatToParts(at)) {
    if (part.type === 'hour') hour = Number(part.value);
    if (part.type === 'weekday') weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part.value);
  }
  return { hour, weekday };
}

export interface SendWindow {
  windowStartHour: number;
  windowEndHour: number;
  weekdaysOnly: boolean;
}

export function isInWindow(at: Date, timeZone: string, window: SendWindow): boolean {
  const { hour, weekday } = localParts(at, timeZone);
  if (window.weekdaysOnly && (weekday === 0 || weekday === 6)) return false;
  return hour >= window.windowStartHour && hour < window.windowEndHour;
}

const QUARTER_HOUR = 15 * 60_000;

/** The first moment at or after `from` inside the window (quarter-hour steps cover every zone offset). */
export function nextWindowOpening(from: Date, timeZone: string, window: SendWindow): Date {
  if (isInWindow(from, timeZone, window)) return from;
  let candidate = Math.ceil(from.getTime() / QUARTER_HOUR) * QUARTER_HOUR;
  for (let i = 0; i < 4 * 24 * 8; i++, candidate += QUARTER_HOUR) {
    if (isInWindow(new Date(candidate), timeZone, window)) return new Date(candidate);
  }
  return new Date(candidate);
}
