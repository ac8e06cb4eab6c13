/**
 * Compiles the phrase lists of lexicon/ into an index the matcher can walk quickly.
 *
 * Phrase syntax, kept small on purpose:
 * - English words separated by spaces; Chinese written as is (each character is a token);
 * - `{a,b,}` expands to alternatives (an empty one makes the part optional);
 * - `*` is a gap of up to two English words or three Chinese characters ("without * consent",
 *   "没*通知").
 */
import { tokenizeComment } from './tokenize';
import { buildTypoIndex, type TypoIndex } from './typos';

/** Phrase lists per strength; topics are bare subjects ("price", "服务") that a verdict after them can clear. */
export interface CausePhrases {
  strong?: readonly string[];
  medium?: readonly string[];
  weak?: readonly string[];
  topics?: readonly string[];
}

export interface LexiconSource {
  causes: Readonly<Record<string, CausePhrases>>;
  /** Phrases that contain a cue but mean nothing here (贵公司 = "your company"); they shadow shorter matches. */
  neutral: readonly string[];
}

export interface LexiconEntry {
  /** Null for neutral phrases. */
  cause: string | null;
  weight: number;
  topic: boolean;
}

/**
 * Phrases as a tree of token forms: brace alternatives multiply into thousands of variants,
 * and a tree walks them all with one map look-up per token.
 */
export interface PhraseNode {
  next: Map<string, PhraseNode>;
  /** Continuation after a `*` gap. */
  gap?: PhraseNode;
  /** Entries whose phrase ends here. */
  entries: LexiconEntry[];
}

export interface Lexicon {
  root: PhraseNode;
  typos: TypoIndex;
  causes: readonly string[];
}

export const strengthWeights = { strong: 1, medium: 0.6, weak: 0.3, topics: 0.45 } as const;

export function compileLexicon(sources: readonly LexiconSource[]): Lexicon {
  const root = newNode();
  const latinForms: string[] = [];
  const causes = new Set<string>();
  const add = (phrase: string, cause: string | null, weight: number, topic: boolean) => {
    for (const variant of expandBraces(phrase)) {
      const forms = phraseForms(variant);
      if (forms.length === 0 || forms[0] === '*' || forms[forms.length - 1] === '*') throw new Error(`lexicon phrase "${phrase}" must start and end with a word`);
      insert(root, forms, { cause, weight, topic });
      for (const form of forms) if (/^[a-z]/.test(form)) latinForms.push(form);
    }
  };

  for (const source of sources) {
    for (const [cause, phrases] of Object.entries(source.causes)) {
      causes.add(cause);
      for (const strength of ['strong', 'medium', 'weak', 'topics'] as const) {
        for (const phrase of phrases[strength] ?? []) add(phrase, cause, strengthWeights[strength], strength === 'topics');
      }
    }
    for (const phrase of source.neutral) add(phrase, null, 0, false);
  }
  return { root, typos: buildTypoIndex(latinForms), causes: [...causes] };
}

function newNode(): PhraseNode {
  return { next: new Map(), entries: [] };
}

function insert(root: PhraseNode, forms: readonly string[], entry: LexiconEntry): void {
  let node = root;
  for (const form of forms) {
    if (form === '*') {
      node.gap ??= newNode();
      node = node.gap;
      continue;
    }
    let child = node.next.get(form);
    if (child === undefined) {
      child = newNode();
      node.next.set(form, child);
    }
    node = child;
  }
  // The same phrase listed twice (or produced twice by braces) keeps its strongest weight.
  const same = node.entries.find((existing) => existing.cause === entry.cause);
  if (same === undefined) node.entries.push(entry);
  else if (same.weight < entry.weight) Object.assign(same, entry);
}

/** "{raised,hiked} the price" → ["raised the price", "hiked the price"]. */
export function expandBraces(phrase: string): string[] {
  const open = phrase.indexOf('{');
  if (open < 0) return [phrase.replace(/\s+/g, ' ').trim()];
  const close = phrase.indexOf('}', open);
  if (close < 0) throw new Error(`unclosed brace in lexicon phrase "${phrase}"`);
  const head = phrase.slice(0, open);
  const tail = phrase.slice(close + 1);
  return phrase
    .slice(open + 1, close)
    .split(',')
    .flatMap((choice) => expandBraces(`${head}${choice}${tail}`));
}

/** Token forms of one phrase, produced by the same tokenizer and stemmer as comments. */
function phraseForms(phrase: string): string[] {
  const forms: string[] = [];
  for (const part of phrase.split('*')) {
    if (forms.length > 0) forms.push('*');
    forms.push(...tokenizeComment(part.toLowerCase()).tokens.map((token) => token.form));
  }
  return forms;
}
