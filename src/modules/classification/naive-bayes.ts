/**
 * Multinomial naive Bayes over feature bags: training is counting, so retraining on every new
 * staff label stays cheap, and counts (unlike fitted weights) can be stored and reloaded exactly.
 *
 * Priors are uniform on purpose: staff labels over-represent whatever causes were common last
 * month, and a rare cause should not lose just for being rare (we report macro-F1).
 * Naive Bayes is overconfident on correlated features (a word, its pairs and its 4-grams), so the
 * log-scores are tempered by the square root of the comment's feature weight before the softmax.
 */
import type { FeatureBag } from './features';

export interface NaiveBayesCounts {
  causes: string[];
  /** Training comments per cause. */
  documents: number[];
  /** Feature → summed weight per cause (same order as `causes`). */
  features: Map<string, number[]>;
}

export interface NaiveBayesModel extends NaiveBayesCounts {
  /** Feature → log P(feature | cause) per cause. */
  logLikelihoods: Map<string, Float64Array>;
  settings: NaiveBayesSettings;
}

export interface NaiveBayesSettings {
  /** Additive (Lidstone) smoothing. */
  alpha: number;
  /** Higher spreads probabilities out; the softmax divides by temperature × √(feature weight). */
  temperature: number;
}

export const defaultNaiveBayesSettings: NaiveBayesSettings = { alpha: 0.3, temperature: 1 };

export interface LabeledFeatures {
  bag: FeatureBag;
  cause: string;
}

export function trainNaiveBayes(examples: readonly LabeledFeatures[], causes: readonly string[], settings = defaultNaiveBayesSettings): NaiveBayesModel {
  const causeIndex = new Map(causes.map((cause, index) => [cause, index]));
  const documents = causes.map(() => 0);
  const features = new Map<string, number[]>();
  for (const { bag, cause } of examples) {
    const c = causeIndex.get(cause);
    if (c === undefined) continue;
    documents[c]++;
    for (const [feature, weight] of bag.weights) {
      let counts = features.get(feature);
      if (counts === undefined) {
        counts = causes.map(() => 0);
        features.set(feature, counts);
      }
      counts[c] += weight;
    }
  }
  return withLikelihoods({ causes: [...causes], documents, features }, settings);
}

/** Derives the log-likelihoods from counts (after training, or after loading stored counts). */
export function withLikelihoods(counts: NaiveBayesCounts, settings: NaiveBayesSettings): NaiveBayesModel {
  const { causes, features } = counts;
  const vocabulary = features.size;
  const totals = causes.map((_, c) => {
    let total = 0;
    for (const perCause of features.values()) total += perCause[c];
    return total;
  });
  const logLikelihoods = new Map<string, Float64Array>();
  const denominators = totals.map((total) => Math.log(total + settings.alpha * vocabulary));
  for (const [feature, perCause] of features) {
    logLikelihoods.set(feature, Float64Array.from(perCause, (count, c) => Math.log(count + settings.alpha) - denominators[c]));
  }
  return { ...counts, logLikelihoods, settings };
}

export interface NaiveBayesPrediction {
  /** Probability per cause, in `model.causes` order. */
  probabilities: Float64Array;
  /** The features that favour `causes[c]` most over the others, strongest first. */
  strongestFeatures(c: number, limit: number): string[];
}

export function predictNaiveBayes(model: NaiveBayesModel, bag: FeatureBag): NaiveBayesPrediction {
  const n = model.causes.length;
  const scores = new Float64Array(n);
  const known: [string, Float64Array, number][] = [];
  let weightSeen = 0;
  for (const [feature, weight] of bag.weights) {
    const likelihoods = model.logLikelihoods.get(feature);
    if (likelihoods === undefined) continue;
    known.push([feature, likelihoods, weight]);
    weightSeen += weight;
    for (let c = 0; c < n; c++) scores[c] += weight * likelihoods[c];
  }
  const probabilities = weightSeen === 0 || n === 0 ? new Float64Array(n).fill(n === 0 ? 0 : 1 / n) : softmax(scores, model.settings.temperature * Math.sqrt(weightSeen));

  return {
    probabilities,
    strongestFeatures(c, limit) {
      const lift = known.map(([feature, likelihoods, weight]) => {
        let others = 0;
        for (let k = 0; k < n; k++) if (k !== c) others += likelihoods[k];
        return [feature, weight * (likelihoods[c] - others / Math.max(1, n - 1))] as const;
      });
      return lift
        .filter(([, gain]) => gain > 0)
        .sort((a, b) => b[1] - a[1])
        .slice(0, limit)
        .map(([feature]) => feature);
    },
  };
}

function softmax(scores: Float64Array, temperature: number): Float64Array {
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp((score - max) / temperature));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}
