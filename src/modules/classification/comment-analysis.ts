/**
 * The shared first half of classifying and training: clean the text, tokenize it, read typos as
 * the lexicon word they miss, and find the lexicon phrases (with negation). Both the lexicon
 * signal and the statistical model's features are computed from this one analysis.
 */
import { cleanCommentText } from './comment-text';
import type { Lexicon } from './lexicon-compile';
import { matchLexicon, type LexiconHit } from './lexicon-match';
import { tokenizeComment, type Clause, type Token } from './tokenize';
import { correctTypo } from './typos';

export interface CommentAnalysis {
  tokens: Token[];
  clauses: Clause[];
  hits: LexiconHit[];
}

export interface AnalysisContext {
  lexicon: Lexicon;
  /** Words the model has seen often: real words, never treated as typos. */
  knownWords: ReadonlySet<string>;
  /** Remembers corrections between comments; typos repeat across a batch. */
  typoMemo?: Map<string, string | null>;
}

/** Memo entries kept before the memo is cleared, so a long-running process stays bounded. */
const maxMemoEntries = 50_000;

export function analyseComment(rawText: unknown, context: AnalysisContext): CommentAnalysis {
  const { tokens, clauses } = tokenizeComment(cleanCommentText(rawText));
  const corrected = tokens.map((token) => (token.script === 'latin' ? withCorrectedForm(token, context) : token));
  return { tokens: corrected, clauses, hits: matchLexicon(corrected, clauses, context.lexicon) };
}

function withCorrectedForm(token: Token, context: AnalysisContext): Token {
  const memo = context.typoMemo;
  let correction = memo?.get(token.form);
  if (correction === undefined) {
    correction = correctTypo(token.form, context.lexicon.typos, context.knownWords) ?? null;
    if (memo !== undefined) {
      if (memo.size >= maxMemoEntries) memo.clear();
      memo.set(token.form, correction);
    }
  }
  return correction === null ? token : { ...token, form: correction };
}
