/**
 * The statistical half of the classifier: comments → features → naive Bayes, trained from
 * labeled comments (the bundled seed corpus, then every staff-confirmed cause).
 */
import { analyseComment } from './comment-analysis';
import { extractFeatures, type FeatureBag } from './features';
import type { Lexicon } from './lexicon-compile';
import { defaultNaiveBayesSettings, predictNaiveBayes, trainNaiveBayes, withLikelihoods, type NaiveBayesModel, type NaiveBayesSettings } from './naive-bayes';
import { tokenizeComment } from './tokenize';
import { cleanCommentText } from './comment-text';

export interface LabeledComment {
  text: string;
  cause: string;
}

export interface TextModel {
  naiveBayes: NaiveBayesModel;
  /** English word forms seen at least twice in training: real words, never read as typos. */
  knownWords: ReadonlySet<string>;
  trainedOn: number;
}

export function trainTextModel(examples: readonly LabeledComment[], lexicon: Lexicon, settings: NaiveBayesSettings = defaultNaiveBayesSettings): TextModel {
  const knownWords = frequentWords(examples);
  const context = { lexicon, knownWords, typoMemo: new Map<string, string | null>() };
  const labeled = examples.map((example) => ({ bag: extractFeatures(analyseComment(example.text, context)), cause: example.cause }));
  // A cause without examples would win on unseen words (its likelihoods are flat), so it is left out.
  const causes = [...new Set(examples.map((example) => example.cause))].sort();
  return { naiveBayes: trainNaiveBayes(labeled, causes, settings), knownWords, trainedOn: examples.length };
}

export function predictTextModel(model: TextModel, bag: FeatureBag) {
  return predictNaiveBayes(model.naiveBayes, bag);
}

/** JSON-safe form of a text model, for the classifier-model documents. */
export interface StoredTextModel {
  algorithm: 'multinomial-naive-bayes';
  causes: string[];
  documents: number[];
  /** Feature → summed weight per cause. */
  features: Record<string, number[]>;
  knownWords: string[];
  settings: NaiveBayesSettings;
  trainedOn: number;
}

export function toStoredTextModel(model: TextModel): StoredTextModel {
  const { causes, documents, features, settings } = model.naiveBayes;
  return {
    algorithm: 'multinomial-naive-bayes',
    causes,
    documents,
    features: Object.fromEntries(features),
    knownWords: [...model.knownWords],
    settings,
    trainedOn: model.trainedOn,
  };
}

export function fromStoredTextModel(stored: StoredTextModel): TextModel {
  const counts = { causes: stored.causes, documents: stored.documents, features: new Map(Object.entries(stored.features)) };
  return { naiveBayes: withLikelihoods(counts, stored.settings), knownWords: new Set(stored.knownWords), trainedOn: stored.trainedOn };
}

function frequentWords(examples: readonly LabeledComment[]): Set<string> {
  const counts = new Map<string, number>();
  for (const example of examples) {
    for (const token of tokenizeComment(cleanCommentText(example.text)).tokens) {
      if (token.script === 'latin') counts.set(token.form, (counts.get(token.form) ?? 0) + 1);
    }
  }
  return new Set([...counts].filter(([, count]) => count >= 2).map(([form]) => form));
}
