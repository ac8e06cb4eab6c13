/**
 * `npm run eval:classify`: macro-F1 and per-cause F1 of the built-in classifier (bundled lexicon
 * + seed-trained model) and of one also trained on the evaluation set's training split.
 */
import { builtInClassifier, classifierWithModel } from '../../src/modules/classification/built-in';
import type { EvaluationReport } from '../../src/modules/classification/evaluation';
import { trainModel } from '../../src/modules/classification/training.service';
import { blindComments, blindSets, evaluationComments, evaluationSplit, scoreClassifier } from '../helpers/classification-fixtures';

const { train, test } = evaluationSplit();
const builtIn = builtInClassifier();
const trained = classifierWithModel(trainModel(train).model);

const rows: [string, EvaluationReport][] = [
  ['built-in, whole evaluation set', scoreClassifier(builtIn, evaluationComments())],
  ['built-in, test split', scoreClassifier(builtIn, test)],
  [`+ training split (${train.length}), test split`, scoreClassifier(trained, test)],
  [`built-in, blind sets (${blindComments().length})`, scoreClassifier(builtIn, blindComments())],
  ['+ training split, blind sets', scoreClassifier(trained, blindComments())],
  ...blindSets().flatMap(([name, comments]): [string, EvaluationReport][] => [
    [`built-in, ${name.replace('.jsonl', '')}`, scoreClassifier(builtIn, comments)],
    [`+ training split, ${name.replace('.jsonl', '')}`, scoreClassifier(trained, comments)],
  ]),
];

const causes = rows[0][1].perCause.map((score) => score.cause);
const header = ['model / comments'.padEnd(38), 'n'.padStart(4), 'macro-F1', 'accuracy', ...causes.map((cause) => cause.slice(0, 8).padStart(8))];
console.log(header.join(' '));
for (const [name, report] of rows) {
  const perCause = causes.map((cause) => (report.perCause.find((score) => score.cause === cause)?.f1 ?? 0).toFixed(2).padStart(8));
  console.log([name.padEnd(38), String(report.count).padStart(4), report.macroF1.toFixed(3).padStart(8), report.accuracy.toFixed(3).padStart(8), ...perCause].join(' '));
}
