/**
 * Turns whatever a customer typed (or a form pasted, HTML included) into plain, lowercase text
 * of bounded length, so that every later step can assume clean input.
 */

/** Characters of cleaned text that are analysed; a churn comment worth reading is far shorter. */
export const maxAnalysedLength = 4000;

/** Raw input beyond this is dropped before any regex runs, so 50 KB pastes cost no more than 20 KB. */
const maxRawLength = 20_000;

/** Plain, normalised, lowercase text of at most `maxAnalysedLength` characters. */
export function cleanCommentText(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0) return '';
  let text = truncateSafely(raw, maxRawLength);
  text = stripHtml(text);
  text = decodeEntities(text);
  // NFKC folds full-width letters and digits (ｐｒｉｃｅ, １２３) and compatibility forms.
  text = text.normalize('NFKC').toLowerCase();
  text = text.replace(/[\u2018\u2019\u02bc`´]/g, "'").replace(/\s+/g, ' ').trim();
  return truncateSafely(text, maxAnalysedLength);
}

/** Cuts at `max` UTF-16 units without splitting a surrogate pair (an emoji, a rare Han character). */
export function truncateSafely(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const cut = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
  return text.slice(0, cut);
}

/** Removes script/style blocks, comments and tags, in linear time even on hostile input. */
export function stripHtml(text: string): string {
  if (!text.includes('<')) return text;
  let result = text;
  for (const block of hiddenBlocks) result = removeBlocks(result, block);
  // Each attempt stops at the next `<`, so a page of unclosed `<` cannot make this quadratic.
  return result.replace(/<\/?[a-z!?][^<>]*>/gi, ' ');
}

/** Content a browser would not show: dropped with its markup. */
const hiddenBlocks = [
  { open: '<script', close: '</script', end: '>' },
  { open: '<style', close: '</style', end: '>' },
  { open: '<!--', close: '-->', end: '' },
];

function removeBlocks(text: string, block: (typeof hiddenBlocks)[number]): string {
  const lower = text.toLowerCase();
  let kept = '';
  let from = 0;
  for (let start = lower.indexOf(block.open); start >= 0; start = lower.indexOf(block.open, from)) {
    kept += `${text.slice(from, start)} `;
    const close = lower.indexOf(block.close, start + block.open.length);
    if (close < 0) return kept;
    const end = block.end ? lower.indexOf(block.end, close) : close + block.close.length - 1;
    if (end < 0) return kept;
    from = end + 1;
  }
  return kept + text.slice(from);
}

const namedEntities: Record<string, string> = { amp: '&', lt: ' ', gt: ' ', quot: '"', apos: "'", nbsp: ' ' };

/**
 * Decodes the entities a form or an email client leaves behind. `&lt;` and `&gt;` become spaces
 * rather than angle brackets, so decoded markup can never reach an explanation.
 */
function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (entity, body: string) => {
    if (body[0] !== '#') return namedEntities[body.toLowerCase()] ?? entity;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (code === 60 || code === 62 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return ' ';
    return String.fromCodePoint(code);
  });
}
