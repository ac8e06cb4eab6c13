/**
 * Quality gate: macro-F1 on comments the model never trained on. A quality check, not a timing.
 */
import { builtInClassifier, classifierWithModel } from '../../../src/modules/classification/built-in';
import { trainModel } from '../../../src/modules/classification/training.service';
import { blindComments, evaluationComments, evaluationSplit, scoreClassifier } from '../../helpers/classification-fixtures';

const target = 0.85;

describe('classification quality', () => {
  it('when the evaluation set is read, then it has at least 300 comments, both languages, and every cause at least 30 times', () => {
    const comments = evaluationComments();
    const byCause = new Map<string, number>();
    for (const comment of comments) byCause.set(comment.cause, (byCause.get(comment.cause) ?? 0) + 1);

    expect(comments.length).toBeGreaterThanOrEqual(300);
    expect(new Set(comments.map((comment) => comment.id)).size).toBe(comments.length);
    expect(comments.filter((comment) => comment.locale === 'zh-CN').length).toBeGreaterThanOrEqual(140);
    expect(comments.filter((comment) => comment.locale === 'en').length).toBeGreaterThanOrEqual(140);
    expect([...byCause.keys()].sort()).toEqual(['competitor', 'natural', 'other', 'price', 'product', 'relationship', 'service', 'trust']);
    for (const count of byCause.values()) expect(count).toBeGreaterThanOrEqual(30);
  });

  it('when the built-in classifier reads the test split, then macro-F1 reaches the target', () => {
    const report = scoreClassifier(builtInClassifier(), evaluationSplit().test);

    expect(report.count).toBeGreaterThan(100);
    expect(report.macroF1).toBeGreaterThanOrEqual(target);
  });

  it('when a model is also trained on the training split, then macro-F1 on the test split reaches the target', () => {
    const { train, test } = evaluationSplit();
    const trained = classifierWithModel(trainModel(train).model);

    expect(scoreClassifier(trained, test).macroF1).toBeGreaterThanOrEqual(target);
  });

  it('when the built-in classifier reads the blind set written after tuning, then macro-F1 reaches the target', () => {
    expect(scoreClassifier(builtInClassifier(), blindComments()).macroF1).toBeGreaterThanOrEqual(target);
  });
});
