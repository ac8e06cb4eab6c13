/**
 * The explanation staff see next to a classified comment: which choices, phrases and words
 * drove the result, each with its share of the final score. Evidence is only ever built from
 * cleaned tokens and cause codes, and passes `safeEvidence` on top, so no markup a customer
 * typed can reach a page through it.
 */
import type { CauseChoice } from './choice-signal';
import type { LexiconHit } from './lexicon-match';

export type SignalName = 'choice' | 'lexicon' | 'model';

export interface ExplanationItem {
  signal: SignalName;
  cause: string;
  /** The words or choices, as the customer gave them. */
  evidence: string;
  /** Contribution to the cause's final score (negative: evidence against it, e.g. "not the price"). */
  weight: number;
}

export interface ExplanationInput {
  choices: readonly CauseChoice[];
  hits: readonly LexiconHit[];
  /** Words the model leaned on, per cause it supports, with the model's probability. */
  modelEvidence: readonly { cause: string; words: readonly string[]; probability: number }[];
  /** Each signal's weight as a share of the mixture (0 when absent). */
  shares: { choice: number; lexicon: number; model: number };
  /** The lexicon distribution's denominator (phrase total + prior mass). */
  lexiconDenominator: number;
  negatedPenalty: number;
}

/** Most items a result carries; a 50 KB rant should not produce a 500-line explanation. */
export const maxExplanationItems = 12;

export function buildExplanation(input: ExplanationInput): ExplanationItem[] {
  const items: ExplanationItem[] = [];
  for (const choice of input.choices) {
    const evidence = choice.questionId ? `${choice.questionId}: ${choice.cause}` : choice.cause;
    items.push({ signal: 'choice', cause: choice.cause, evidence, weight: input.shares.choice / input.choices.length });
  }
  for (const hit of input.hits) {
    const signed = hit.negated ? -input.negatedPenalty * hit.weight : hit.weight;
    items.push({ signal: 'lexicon', cause: hit.cause, evidence: hit.evidence, weight: (input.shares.lexicon * signed) / input.lexiconDenominator });
  }
  for (const { cause, words, probability } of input.modelEvidence) {
    if (words.length > 0) items.push({ signal: 'model', cause, evidence: words.join(', '), weight: input.shares.model * probability });
  }
  return items
    .map((item) => ({ ...item, evidence: safeEvidence(item.evidence), weight: Math.round(item.weight * 1000) / 1000 }))
    .filter((item) => item.evidence !== '')
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight))
    .slice(0, maxExplanationItems);
}

/** Letters, digits, Han, spaces and a little punctuation; at most 80 characters. */
export function safeEvidence(text: string): string {
  return text
    .replace(/[^\p{L}\p{N}\s'’:,._-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}
