/**
 * Typo tolerance for English lexicon words: an unknown word of five letters or more is read as
 * the lexicon word one edit away (insertion, deletion, substitution or swap of neighbours), so
 * "expnsive", "custmer servce" and "relocatd" still match. Words the classifier already knows
 * are never "corrected", which keeps "prize" from turning into "price" when the corpus has it.
 */

export interface TypoIndex {
  /** Every lexicon word form, for exact look-ups. */
  words: ReadonlySet<string>;
  /** A word with one letter deleted → the lexicon words that produce it. */
  deletions: ReadonlyMap<string, readonly string[]>;
}

/** Shortest word considered for correction: shorter words have too many neighbours. */
export const minCorrectableLength = 5;

export function buildTypoIndex(words: Iterable<string>): TypoIndex {
  const set = new Set<string>();
  const deletions = new Map<string, string[]>();
  for (const word of words) {
    if (set.has(word)) continue;
    set.add(word);
    if (word.length < minCorrectableLength - 1 || !/^[a-z]+$/.test(word)) continue;
    for (const variant of [word, ...oneDeletion(word)]) {
      const list = deletions.get(variant) ?? [];
      list.push(word);
      deletions.set(variant, list);
    }
  }
  return { words: set, deletions };
}

/** The lexicon word `form` is a typo of, or undefined when it is known or nothing is close. */
export function correctTypo(form: string, index: TypoIndex, knownWords: ReadonlySet<string>): string | undefined {
  if (form.length < minCorrectableLength || index.words.has(form) || knownWords.has(form) || !/^[a-z]+$/.test(form)) return undefined;
  let best: string | undefined;
  for (const variant of [form, ...oneDeletion(form)]) {
    for (const candidate of index.deletions.get(variant) ?? []) {
      // Typos rarely hit the first letter; requiring it keeps "mostly" from becoming "costly".
      if (candidate === best || candidate[0] !== form[0] || !withinOneEdit(form, candidate)) continue;
      // Deterministic pick among equals: the longer, then alphabetical, lexicon word.
      if (best === undefined || candidate.length > best.length || (candidate.length === best.length && candidate < best)) best = candidate;
    }
  }
  return best;
}

function oneDeletion(word: string): string[] {
  const variants: string[] = [];
  for (let i = 0; i < word.length; i++) variants.push(word.slice(0, i) + word.slice(i + 1));
  return variants;
}

/** True when a and b differ by at most one insertion, deletion, substitution or adjacent swap. */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
