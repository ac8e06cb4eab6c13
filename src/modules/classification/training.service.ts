/**
 * Training from staff-confirmed labels, and the retraining the `classification.retrain` job runs.
 * Models always learn from the bundled seed corpus too, so a handful of labels refine the
 * built-in knowledge rather than replace it.
 */
import type { Connection } from 'mongoose';
import { classifierWithModel } from './built-in';
import { classifyComment } from './classifier';
import { activeModelVersion, saveModelVersion, type ModelVersionSummary } from './classifier-model.service';
import { crossValidate, type EvaluationReport } from './evaluation';
import { builtInLexicon } from './lexicon';
import { seedCorpus } from './seed-corpus';
import { trainTextModel, type LabeledComment, type TextModel } from './text-model';

/** A cause confirmed (or corrected) by staff for a comment. */
export interface ConfirmedLabel extends LabeledComment {
  /** When staff confirmed it; labels after the active model's last one count as new. */
  confirmedAt: Date;
}

/**
 * Where confirmed labels come from. Injected: the job uses the staff-decided causes of customers
 * (labels.service.ts); tests pass their own.
 */
export type LabelsSource = (connection: Connection) => Promise<ConfirmedLabel[]>;

export interface TrainedModel {
  model: TextModel;
  /** Null when there are fewer labels than folds × 2: too few to measure. */
  crossValidation: EvaluationReport | null;
}

export const defaultFolds = 5;

/** Trains on seed corpus + labels and measures the whole classifier by k-fold cross-validation on the labels. */
export function trainModel(labels: readonly LabeledComment[], options: { folds?: number } = {}): TrainedModel {
  const folds = options.folds ?? defaultFolds;
  const seed = seedCorpus();
  const lexicon = builtInLexicon();
  const model = trainTextModel([...seed, ...labels], lexicon);
  if (labels.length < folds * 2) return { model, crossValidation: null };

  const keyed = labels.map((label, index) => ({ ...label, key: `${index}:${label.text}` }));
  const crossValidation = crossValidate(keyed, folds, (label) => label.key, (train, test) => {
    const classifier = classifierWithModel(trainTextModel([...seed, ...train], lexicon));
    return test.map((label) => ({ truth: label.cause, predicted: classifyComment(classifier, { text: label.text }).cause }));
  });
  return { model, crossValidation };
}

export interface RetrainOptions {
  labelsSource: LabelsSource;
  /** Retrain only with at least this many labels confirmed since the active model was trained. */
  minNewLabels: number;
  reason: 'nightly' | 'new-labels' | 'manual';
  folds?: number;
}

export interface RetrainOutcome {
  retrained: boolean;
  newLabels: number;
  version: ModelVersionSummary | null;
}

/** Retrains when enough new labels exist, saving a new active version (the previous one is kept). */
export async function retrain(connection: Connection, options: RetrainOptions): Promise<RetrainOutcome> {
  const labels = await options.labelsSource(connection);
  const active = await activeModelVersion(connection);
  const since = active?.labelsConfirmedUntil?.getTime() ?? -Infinity;
  const newLabels = labels.filter((label) => label.confirmedAt.getTime() > since).length;
  if (newLabels === 0 || newLabels < options.minNewLabels) return { retrained: false, newLabels, version: active };

  const { model, crossValidation } = trainModel(labels, { folds: options.folds });
  const version = await saveModelVersion(connection, {
    model,
    labelCount: labels.length,
    crossValidatedMacroF1: crossValidation ? round(crossValidation.macroF1) : null,
    perCauseF1: crossValidation?.perCause.map(({ cause, f1 }) => ({ cause, f1: round(f1) })) ?? [],
    labelsConfirmedUntil: new Date(Math.max(...labels.map((label) => label.confirmedAt.getTime()))),
    reason: options.reason,
  });
  return { retrained: true, newLabels, version };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

