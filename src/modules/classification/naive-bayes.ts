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
  /** Feature → its row in `logLikelihoods`. */
  featureRows: Map<string, number>;
  /** log P(feature | cause), one row of `causes.length` values per feature (flat: fast to scan). */
  logLikelihoods: Float64Array;
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
  const n = causes.length;
  const totals = new Float64Array(n);
  for (const perCause of features.values()) for (let c = 0; c < n; c++) totals[c] += perCause[c];
  const denominators = Array.from(totals, (total) => Math.log(total + settings.alpha * features.size));
  const featureRows = new Map<string, number>();
  const logLikelihoods = new Float64Array(features.size * n);
  let row = 0;
  for (const [feature, perCause] of features) {
    featureRows.set(feature, row);
    for (let c = 0; c < n; c++) logLikelihoods[row * n + c] = Math.log(perCause[c] + settings.alpha) - denominators[c];
    row++;
  }
  return { ...counts, featureRows, logLikelihoods, settings };
}

export interface NaiveBayesPrediction {
  /** Probability per cause, in `model.causes` order. */
  probabilities: Float64Array;
  /** The features that favour `causes[c]` most over the others, strongest first. */
  strongestFeatures(c: number, limit: number): string[];
}

export function predictNaiveBayes(model: NaiveBayesModel, bag: FeatureBag): NaiveBayesPrediction {
  const n = model.causes.length;
  const table = model.logLikelihoods;
  const scores = new Float64Array(n);
  const knownFeatures: string[] = [];
  const knownRows: number[] = [];
  let weightSeen = 0;
  for (const [feature, weight] of bag.weights) {
    const row = model.featureRows.get(feature);
    if (row === undefined) continue;
    knownFeatures.push(feature);
    knownRows.push(row);
    weightSeen += weight;
    for (let c = 0, at = row * n; c < n; c++, at++) scores[c] += weight * table[at];
  }
  const probabilities = weightSeen === 0 || n === 0 ? new Float64Array(n).fill(n === 0 ? 0 : 1 / n) : softmax(scores, model.settings.temperature * Math.sqrt(weightSeen));

  return {
    probabilities,
    strongestFeatures(c, limit) {
      const lifts: [string, number][] = [];
      knownRows.forEach((row, k) => {
        let others = 0;
        for (let other = 0; other < n; other++) if (other !== c) others += table[row * n + other];
        const lift = (bag.weights.get(knownFeatures[k]) ?? 0) * (table[row * n + c] - others / Math.max(1, n - 1));
        if (lift > 0) lifts.push([knownFeatures[k], lift]);
      });
      return lifts
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
