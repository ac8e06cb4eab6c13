/**
 * Classifies one exit comment (with its survey answers) into a churn cause: survey choices,
 * lexicon phrases and the trained model, combined with weights and explained.
 */
import { builtInCauseCodes, fallbackCause } from './causes';
import { choiceShares, readAnswers, type SurveyAnswer } from './choice-signal';
import { analyseComment, type AnalysisContext } from './comment-analysis';
import { buildExplanation, type ExplanationItem } from './explanation';
import { extractFeatures, type FeatureBag } from './features';
import type { Lexicon } from './lexicon-compile';
import { decide, defaultDecisionSettings, lexiconDistribution, lexiconScores, mixSignals, type DecisionSettings, type Distribution, type WeightedSignal } from './signal-combination';
import { predictTextModel, type TextModel } from './text-model';

export interface CommentInput {
  text?: string;
  /** The survey's language; comments are read in both languages either way. */
  locale?: 'en' | 'zh-CN';
  answers?: readonly SurveyAnswer[];
}

export interface Classification {
  cause: string;
  secondary: string | null;
  /** 0..1: the combined score of the chosen cause (of the best guess when unsure). */
  confidence: number;
  /** True when the classifier was unsure: `cause` is then `other` and staff should confirm. */
  needsReview: boolean;
  /** The best guess, also when unsure: what the review queue offers to confirm with one click. */
  suggestedCause: string;
  explanation: ExplanationItem[];
}

export interface Classifier {
  readonly lexicon: Lexicon;
  readonly model: TextModel;
  readonly settings: DecisionSettings;
  /** Causes any signal can name; survey choices outside this set are ignored. */
  readonly causes: readonly string[];
  readonly causeSet: ReadonlySet<string>;
  readonly analysis: AnalysisContext;
}

export function createClassifier(parts: { lexicon: Lexicon; model: TextModel; settings?: Partial<DecisionSettings> }): Classifier {
  const causes = [...new Set<string>([...builtInCauseCodes, ...parts.lexicon.causes, ...parts.model.naiveBayes.causes])];
  return {
    lexicon: parts.lexicon,
    model: parts.model,
    settings: { ...defaultDecisionSettings, ...parts.settings },
    causes,
    causeSet: new Set(causes),
    analysis: { lexicon: parts.lexicon, knownWords: parts.model.knownWords, typoMemo: new Map() },
  };
}

/** Words of model evidence listed per cause in an explanation. */
const modelEvidenceWords = 3;

export function classifyComment(classifier: Classifier, input: CommentInput): Classification {
  const { settings, causes } = classifier;
  const answers = readAnswers(input.answers, classifier.causeSet);
  const text = [input.text ?? '', ...answers.texts].filter((part) => typeof part === 'string' && part !== '').join('. ');

  const analysis = analyseComment(text, classifier.analysis);
  const bag = extractFeatures(analysis);
  const prediction = predictTextModel(classifier.model, bag);
  const modelDistribution: Distribution = new Map(classifier.model.naiveBayes.causes.map((cause, c) => [cause, prediction.probabilities[c]]));

  const signals: WeightedSignal[] = [
    { distribution: lexiconDistribution(analysis.hits, causes, settings), weight: settings.weights.lexicon },
    { distribution: modelDistribution, weight: settings.weights.model },
  ];
  if (answers.choices.length > 0) signals.push({ distribution: choiceShares(answers.choices), weight: settings.weights.choice });
  const totalWeight = signals.reduce((sum, signal) => sum + signal.weight, 0);
  const combined = mixSignals(signals, causes);

  const direct = new Set([...answers.choices.map((choice) => choice.cause), ...analysis.hits.filter((hit) => !hit.negated).map((hit) => hit.cause)]);
  const decision = decide(combined, direct, settings);

  const named = [decision.suggestedCause, decision.secondary].filter((cause): cause is string => cause !== null && cause !== fallbackCause);
  const explanation = buildExplanation({
    choices: answers.choices,
    hits: analysis.hits,
    modelEvidence: named.map((cause) => modelEvidenceFor(classifier, prediction, bag, cause)),
    shares: {
      choice: answers.choices.length > 0 ? settings.weights.choice / totalWeight : 0,
      lexicon: settings.weights.lexicon / totalWeight,
      model: settings.weights.model / totalWeight,
    },
    lexiconDenominator: sumOf(lexiconScores(analysis.hits, settings), causes) + settings.lexiconPriorMass,
    negatedPenalty: settings.negatedPenalty,
  });
  return { ...decision, explanation };
}

function modelEvidenceFor(classifier: Classifier, prediction: ReturnType<typeof predictTextModel>, bag: FeatureBag, cause: string) {
  const c = classifier.model.naiveBayes.causes.indexOf(cause);
  if (c < 0) return { cause, words: [], probability: 0 };
  const words = prediction
    .strongestFeatures(c, modelEvidenceWords * 3)
    .map((feature) => bag.readable.get(feature))
    .filter((word): word is string => word !== undefined);
  return { cause, words: [...new Set(words)].slice(0, modelEvidenceWords), probability: prediction.probabilities[c] };
}

function sumOf(scores: Map<string, number>, causes: readonly string[]): number {
  return causes.reduce((sum, cause) => sum + (scores.get(cause) ?? 0), 0);
}
