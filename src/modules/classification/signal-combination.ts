/**
 * Combines the three signals into one decision. Each signal is a probability distribution over
 * the causes; the result is their weighted mixture, so a missing or silent signal (no survey
 * choice, no lexicon phrase) pulls the result towards "unsure" rather than towards a cause.
 */
import { fallbackCause } from './causes';
import type { LexiconHit } from './lexicon-match';

export interface SignalWeights {
  choice: number;
  lexicon: number;
  model: number;
}

export interface DecisionSettings {
  weights: SignalWeights;
  /** Below this confidence the result is `other` and goes to the review queue. */
  reviewThreshold: number;
  /** A second cause is named when it reaches this share of the first and has direct evidence. */
  secondaryRatio: number;
  /** How much lexicon weight it takes to be half sure: the "no phrase found" mass. */
  lexiconPriorMass: number;
  /** A negated phrase ("not the price") subtracts this share of its weight from its cause. */
  negatedPenalty: number;
}

export const defaultDecisionSettings: DecisionSettings = {
  weights: { choice: 1, lexicon: 0.6, model: 0.4 },
  reviewThreshold: 0.25,
  secondaryRatio: 0.4,
  lexiconPriorMass: 1,
  negatedPenalty: 0.5,
};

export type Distribution = Map<string, number>;

export interface Decision {
  cause: string;
  secondary: string | null;
  confidence: number;
  needsReview: boolean;
  /** The most likely cause even when unsure: what the review queue offers to confirm. */
  suggestedCause: string;
}

/** Lexicon hits → distribution: phrase weight per cause over (total + prior mass), the rest spread evenly. */
export function lexiconDistribution(hits: readonly LexiconHit[], causes: readonly string[], settings: DecisionSettings): Distribution {
  const scores = lexiconScores(hits, settings);
  let total = 0;
  for (const cause of causes) total += scores.get(cause) ?? 0;
  const denominator = total + settings.lexiconPriorMass;
  const even = settings.lexiconPriorMass / denominator / causes.length;
  return new Map(causes.map((cause) => [cause, (scores.get(cause) ?? 0) / denominator + even]));
}

/** Net phrase weight per cause, never below zero. */
export function lexiconScores(hits: readonly LexiconHit[], settings: DecisionSettings): Map<string, number> {
  const raw = new Map<string, number>();
  for (const hit of hits) raw.set(hit.cause, (raw.get(hit.cause) ?? 0) + (hit.negated ? -settings.negatedPenalty * hit.weight : hit.weight));
  for (const [cause, score] of raw) if (score < 0) raw.set(cause, 0);
  return raw;
}

export interface WeightedSignal {
  distribution: Distribution;
  weight: number;
}

/** Weighted mixture of the signals that are present. */
export function mixSignals(signals: readonly WeightedSignal[], causes: readonly string[]): Distribution {
  const totalWeight = signals.reduce((sum, signal) => sum + signal.weight, 0);
  const mixed = new Map<string, number>();
  for (const cause of causes) {
    let value = 0;
    for (const signal of signals) value += signal.weight * (signal.distribution.get(cause) ?? 0);
    mixed.set(cause, totalWeight > 0 ? value / totalWeight : 1 / causes.length);
  }
  return mixed;
}

/**
 * Picks the cause, an optional second one, and whether staff should review. `directEvidence`
 * names the causes a choice or a non-negated phrase supports: a second cause needs one, so
 * the model's leanings alone never add a cause the customer did not mention.
 */
export function decide(combined: Distribution, directEvidence: ReadonlySet<string>, settings: DecisionSettings): Decision {
  const ranked = [...combined].sort((a, b) => b[1] - a[1]);
  const [top, second] = ranked;
  if (top === undefined) return { cause: fallbackCause, secondary: null, confidence: 0, needsReview: true, suggestedCause: fallbackCause };
  const confidence = round(top[1]);
  if (confidence < settings.reviewThreshold) {
    return { cause: fallbackCause, secondary: null, confidence, needsReview: true, suggestedCause: top[0] };
  }
  const secondary =
    second !== undefined && second[0] !== fallbackCause && directEvidence.has(second[0]) && second[1] >= settings.secondaryRatio * top[1] ? second[0] : null;
  return { cause: top[0], secondary, confidence, needsReview: false, suggestedCause: top[0] };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
