/**
 * Finds lexicon phrases in a tokenized comment: longest phrases first, no two overlapping, each
 * checked for negation. A hit after "but"/"但是" weighs more: that is where customers put the
 * reason that finally made them leave.
 */
import type { Lexicon, LexiconEntry, PhraseNode } from './lexicon-compile';
import { clearedAfter, deniedBefore } from './negation';
import type { Clause, Token } from './tokenize';

export interface LexiconHit {
  cause: string;
  /** The matched words as the customer wrote them (cleaned: never markup). */
  evidence: string;
  weight: number;
  /** "not the price", "价格还可以": evidence against the cause rather than for it. */
  negated: boolean;
  /** Token range, for marking negated words in model features. */
  start: number;
  end: number;
}

/** Extra weight for phrases in a clause after a contrast word. */
export const afterContrastBoost = 1.25;

export function matchLexicon(tokens: readonly Token[], clauses: readonly Clause[], lexicon: Lexicon): LexiconHit[] {
  const selected = selectLongest(findCandidates(tokens, lexicon), tokens.length);
  const coveredBy = new Int32Array(tokens.length).fill(-1);
  // Neutral phrases only shadow shorter matches; negation still reads through them ("no complaints about").
  selected.forEach((match, id) => {
    if (match.entry.cause !== null) coveredBy.fill(id, match.start, match.end);
  });

  const hits: LexiconHit[] = [];
  selected.forEach((match, id) => {
    const { entry, start, end } = match;
    if (entry.cause === null) return;
    const isCovered = (index: number) => coveredBy[index] !== -1 && coveredBy[index] !== id;
    const negated = deniedBefore(tokens, start, isCovered) || (entry.topic && clearedAfter(tokens, end, isCovered));
    const boost = clauses[tokens[start].clause]?.afterContrast ? afterContrastBoost : 1;
    hits.push({ cause: entry.cause, evidence: evidenceOf(tokens, start, end), weight: entry.weight * boost, negated, start, end });
  });
  return hits.sort((a, b) => a.start - b.start);
}

interface Candidate {
  entry: LexiconEntry;
  start: number;
  end: number;
}

function findCandidates(tokens: readonly Token[], lexicon: Lexicon): Candidate[] {
  const candidates: Candidate[] = [];
  for (let start = 0; start < tokens.length; start++) {
    const first = lexicon.root.next.get(tokens[start].form);
    if (first !== undefined) walk(first, tokens, start, start + 1, candidates);
  }
  return candidates;
}

/** Follows the phrase tree from `node` (matched up to `at`), recording every phrase that ends. */
function walk(node: PhraseNode, tokens: readonly Token[], start: number, at: number, candidates: Candidate[]): void {
  for (const entry of node.entries) candidates.push({ entry, start, end: at });
  const clause = tokens[start].clause;
  const token = tokens[at];
  if (token !== undefined && token.clause === clause) {
    const child = node.next.get(token.form);
    if (child !== undefined) walk(child, tokens, start, at + 1, candidates);
  }
  if (node.gap !== undefined) {
    const maxGap = tokens[at - 1].script === 'han' ? 3 : 2;
    for (let skip = 0; skip <= maxGap; skip++) {
      const next = tokens[at + skip];
      if (next === undefined || next.clause !== clause) break;
      const child = node.gap.next.get(next.form);
      if (child !== undefined) walk(child, tokens, start, at + skip + 1, candidates);
    }
  }
}

/** Longest first (then heavier, then earlier); a token belongs to at most one phrase. */
function selectLongest(candidates: Candidate[], tokenCount: number): Candidate[] {
  candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || b.entry.weight - a.entry.weight || a.start - b.start);
  const taken = new Uint8Array(tokenCount);
  const selected: Candidate[] = [];
  for (const candidate of candidates) {
    let free = true;
    for (let i = candidate.start; i < candidate.end && free; i++) free = taken[i] === 0;
    if (!free) continue;
    taken.fill(1, candidate.start, candidate.end);
    selected.push(candidate);
  }
  return selected.sort((a, b) => a.start - b.start);
}

function evidenceOf(tokens: readonly Token[], start: number, end: number): string {
  let text = '';
  for (let i = start; i < end; i++) {
    const token = tokens[i];
    const gap = i > start && (token.script === 'latin' || tokens[i - 1].script === 'latin') ? ' ' : '';
    text += gap + token.surface;
  }
  return text;
}
