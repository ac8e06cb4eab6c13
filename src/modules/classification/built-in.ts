/**
 * The classifier that works with no database: the bundled lexicon and a model trained from the
 * bundled seed corpus when first needed (a few milliseconds), then kept for the process.
 */
import { createClassifier, type Classifier } from './classifier';
import { builtInLexicon } from './lexicon';
import { seedCorpus } from './seed-corpus';
import type { DecisionSettings } from './signal-combination';
import { trainTextModel, type TextModel } from './text-model';

let seedModel: TextModel | undefined;

/** The model trained on the seed corpus alone. */
export function builtInTextModel(): TextModel {
  seedModel ??= trainTextModel(seedCorpus(), builtInLexicon());
  return seedModel;
}

/** The built-in classifier: bundled lexicon + seed-trained model. */
export function builtInClassifier(settings?: Partial<DecisionSettings>): Classifier {
  return createClassifier({ lexicon: builtInLexicon(), model: builtInTextModel(), settings });
}

/** A classifier using the bundled lexicon with a given (e.g. staff-trained) model. */
export function classifierWithModel(model: TextModel, settings?: Partial<DecisionSettings>): Classifier {
  return createClassifier({ lexicon: builtInLexicon(), model, settings });
}
