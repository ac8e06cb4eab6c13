/**
 * Measuring the classifier: per-cause precision/recall/F1 and macro-F1, a deterministic split
 * of labeled comments by a hash of their id, and k-fold cross-validation.
 */
import { createHash } from 'node:crypto';

export interface CauseScore {
  cause: string;
  precision: number;
  recall: number;
  f1: number;
  /** Comments whose true cause this is. */
  support: number;
}

export interface EvaluationReport {
  macroF1: number;
  accuracy: number;
  perCause: CauseScore[];
  count: number;
}

/**
 * Scores predictions against the truth. Macro-F1 averages over every cause that occurs in
 * either (as scikit-learn does), so predicting a cause nobody had is penalised too.
 */
export function evaluatePredictions(pairs: readonly { truth: string; predicted: string }[]): EvaluationReport {
  const causes = [...new Set(pairs.flatMap((pair) => [pair.truth, pair.predicted]))].sort();
  const perCause = causes.map((cause) => {
    let truePositive = 0;
    let predictedCount = 0;
    let support = 0;
    for (const { truth, predicted } of pairs) {
      if (predicted === cause) predictedCount++;
      if (truth === cause) support++;
      if (truth === cause && predicted === cause) truePositive++;
    }
    const precision = predictedCount === 0 ? 0 : truePositive / predictedCount;
    const recall = support === 0 ? 0 : truePositive / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { cause, precision, recall, f1, support };
  });
  const correct = pairs.filter((pair) => pair.truth === pair.predicted).length;
  return {
    macroF1: perCause.length === 0 ? 0 : perCause.reduce((sum, score) => sum + score.f1, 0) / perCause.length,
    accuracy: pairs.length === 0 ? 0 : correct / pairs.length,
    perCause,
    count: pairs.length,
  };
}

/** A number in [0, 1) from an id: the same id always lands in the same split or fold. */
export function hashFraction(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) / 2 ** 32;
}

/** Splits by a hash of each id: `testShare` of the items (roughly) go to the test side. */
export function splitByIdHash<T extends { id: string }>(items: readonly T[], testShare = 0.4): { train: T[]; test: T[] } {
  const train: T[] = [];
  const test: T[] = [];
  for (const item of items) (hashFraction(item.id) < testShare ? test : train).push(item);
  return { train, test };
}

/**
 * k-fold cross-validation: each fold is predicted by a model trained on the other folds.
 * Folds come from a hash of the position-independent key, so reruns agree.
 */
export function crossValidate<T>(
  items: readonly T[],
  k: number,
  keyOf: (item: T) => string,
  trainAndPredict: (train: T[], test: T[]) => { truth: string; predicted: string }[],
): EvaluationReport {
  const folds: T[][] = Array.from({ length: k }, () => []);
  for (const item of items) folds[Math.floor(hashFraction(keyOf(item)) * k)].push(item);
  const pairs = folds.flatMap((fold, f) => (fold.length === 0 ? [] : trainAndPredict(folds.filter((_, g) => g !== f).flat(), fold)));
  return evaluatePredictions(pairs);
}
