/**
 * Wall-clock times in a time zone, as a `datetime-local` input shows them (`2026-11-02T09:00`):
 * the campaign form asks for the start in the campaign's default time zone, not the server's.
 */

/** `YYYY-MM-DDTHH:mm` of `at` in `timeZone` (UTC when the zone is unknown). */
export function localInputOf(at: Date, timeZone: string): string {
  const parts = wallClock(at.getTime(), knownZone(timeZone));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}T${pad(parts.hour)}:${pad(parts.minute)}`;
}

/**
 * The moment a `YYYY-MM-DDTHH:mm` wall-clock time names in `timeZone`; null when the text is no
 * such time. Around daylight-saving changes it does what calendars do: a time that happens twice
 * is its first occurrence, and a skipped time moves forward by the gap (02:30 → 03:30).
 */
export function dateFromLocalInput(text: string, timeZone: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0));
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59) return null;
  const zone = knownZone(timeZone);
  // The zone's offsets half a day either side cover any change on that day.
  const offsetBefore = offsetAt(asUtc - HALF_DAY, zone);
  const offsetAfter = offsetAt(asUtc + HALF_DAY, zone);
  const matching = [asUtc - offsetBefore, asUtc - offsetAfter].filter((candidate) => offsetAt(candidate, zone) === asUtc - candidate);
  return new Date(matching.length > 0 ? Math.min(...matching) : asUtc - offsetBefore);
}

const HALF_DAY = 43_200_000;

// ---------------------------------------------------------------------------------------------

const formatters = new Map<string, Intl.DateTimeFormat>();

function knownZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

function wallClock(ms: number, timeZone: string) {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(ms))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute, second: parts.second };
}

/** How far the zone's wall clock is ahead of UTC at `ms`. */
function offsetAt(ms: number, timeZone: string): number {
  const wall = wallClock(ms, timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - Math.floor(ms / 1000) * 1000;
}
