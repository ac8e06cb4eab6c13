/**
 * Splits cleaned comment text into clauses and tokens for both languages at once, so mixed
 * comments ("客服太慢 and the app crashes") need no language switch.
 *
 * - English (and other Latin-script) words become one token each, with a light stem as `form`.
 * - Chinese has no spaces: each Han character becomes a token, so lexicon phrases match as
 *   character sequences regardless of how a segmenter would cut them. Word segmentation for
 *   the statistical model happens later, per run of Han characters (see features.ts).
 * - Clauses end at punctuation and at contrast words ("but", "但是"); negation never reaches
 *   across a clause, and what follows "but" is usually the real reason.
 */
import { stemWord } from './stem';

export type Script = 'latin' | 'han';

export interface Token {
  /** Form used for matching: the stem of a word, or the Han character itself. */
  form: string;
  /** The word as written (cleaned, lowercase); what explanations quote. */
  surface: string;
  script: Script;
  clause: number;
  /** Consecutive Han characters share a run, which the segmenter reads as one string. */
  run: number;
}

export interface Clause {
  /** The clause follows "but", "however", "但是" …: customers put their real reason there. */
  afterContrast: boolean;
}

export interface TokenizedComment {
  tokens: Token[];
  clauses: Clause[];
}

/** Tokenizes text already cleaned by `cleanCommentText`. */
export function tokenizeComment(text: string): TokenizedComment {
  const tokens: Token[] = [];
  const clauses: Clause[] = [{ afterContrast: false }];
  let run = 0;
  let clauseIsEmpty = true;
  const startClause = (afterContrast: boolean) => {
    const current = clauses.length - 1;
    if (clauseIsEmpty) clauses[current] = { afterContrast: clauses[current].afterContrast || afterContrast };
    else clauses.push({ afterContrast });
    clauseIsEmpty = true;
  };

  for (const match of text.matchAll(pieces)) {
    const [piece, word, han] = match;
    if (word !== undefined) {
      const contrast = contrastWords.get(word);
      if (contrast !== undefined) {
        startClause(contrast);
        continue;
      }
      run++;
      clauseIsEmpty = false;
      tokens.push({ form: stemWord(word), surface: word, script: 'latin', clause: clauses.length - 1, run });
    } else if (han !== undefined) {
      for (const part of han.split(hanContrast)) {
        if (part === '') continue;
        if (hanContrast.test(part)) {
          startClause(true);
          continue;
        }
        run++;
        clauseIsEmpty = false;
        for (const char of part) tokens.push({ form: char, surface: char, script: 'han', clause: clauses.length - 1, run });
      }
    } else if (piece.length > 0) {
      startClause(false);
    }
  }
  return { tokens, clauses };
}

/** A word (letters/digits, inner apostrophes), a run of Han characters, or clause punctuation. */
const pieces = /([\p{Script=Latin}\p{Nd}]+(?:'[\p{Script=Latin}]+)*)|(\p{Script=Han}+)|([,.;:!?()[\]"，。；：！？、…（）【】「」《》\n|/~～]+)/gu;

/** Words that start a new clause; `true` when what follows outweighs what came before. */
const contrastWords = new Map<string, boolean>([
  ['but', true],
  ['however', true],
  ['except', true],
  ['although', false],
  ['though', false],
  ['whereas', false],
]);

/**
 * Chinese contrast markers, kept by the split (capturing group) so they can open a new clause.
 * 但 alone is one too, except in 不但 ("not only").
 */
const hanContrast = /(但是|可是|不过|然而|只不过|(?<!不)但)/u;
