import { builtInClassifier, classifierWithModel } from '../../../src/modules/classification/built-in';
import { classifyComment } from '../../../src/modules/classification/classifier';
import { crossValidate, evaluatePredictions, splitByIdHash } from '../../../src/modules/classification/evaluation';
import { builtInLexicon } from '../../../src/modules/classification/lexicon';
import { fromStoredTextModel, toStoredTextModel, trainTextModel } from '../../../src/modules/classification/text-model';
import { trainModel } from '../../../src/modules/classification/training.service';

describe('evaluation metrics', () => {
  it('when predictions are scored, then per-cause F1 and macro-F1 follow the definitions', () => {
    const report = evaluatePredictions([
      { truth: 'price', predicted: 'price' },
      { truth: 'price', predicted: 'service' },
      { truth: 'service', predicted: 'service' },
      { truth: 'trust', predicted: 'price' },
    ]);

    const f1 = Object.fromEntries(report.perCause.map((score) => [score.cause, score.f1]));
    expect(f1.price).toBeCloseTo(0.5);
    expect(f1.service).toBeCloseTo(2 / 3);
    expect(f1.trust).toBe(0);
    expect(report.macroF1).toBeCloseTo((0.5 + 2 / 3 + 0) / 3);
    expect(report.accuracy).toBe(0.5);
  });

  it('when items are split by id hash twice, then the split is the same and roughly 60/40', () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({ id: `c-${i}` }));

    const first = splitByIdHash(items);
    const second = splitByIdHash([...items].reverse());

    expect(new Set(first.test.map((item) => item.id))).toEqual(new Set(second.test.map((item) => item.id)));
    expect(first.test.length).toBeGreaterThan(340);
    expect(first.test.length).toBeLessThan(460);
  });

  it('when cross-validating, then every item is predicted exactly once by a model that did not see it', () => {
    const items = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, cause: i % 2 ? 'a' : 'b' }));
    const seen: string[] = [];

    const report = crossValidate(items, 5, (item) => item.key, (train, test) => {
      for (const item of test) expect(train).not.toContain(item);
      seen.push(...test.map((item) => item.key));
      return test.map((item) => ({ truth: item.cause, predicted: item.cause }));
    });

    expect(seen.sort()).toEqual(items.map((item) => item.key).sort());
    expect(report.macroF1).toBe(1);
  });
});

describe('the statistical model', () => {
  it('when a model is stored and loaded again, then it predicts exactly the same', () => {
    const model = trainTextModel(
      [
        { text: 'the invoice was huge', cause: 'price' },
        { text: 'nobody answered the phone', cause: 'service' },
        { text: '发票金额太大', cause: 'price' },
      ],
      builtInLexicon(),
    );

    const reloaded = fromStoredTextModel(JSON.parse(JSON.stringify(toStoredTextModel(model))));

    const text = 'the invoice, nobody answered';
    expect(classifyComment(classifierWithModel(reloaded), { text })).toEqual(classifyComment(classifierWithModel(model), { text }));
  });

  it('when staff labels teach a cause the lexicon does not know, then the trained model predicts it', () => {
    const labels = [
      'the parking garage gate never opens',
      'garage gate stuck again',
      'could not get out of the garage, the gate was broken',
      'gate at the garage keeps failing',
      'stuck at the garage gate twice this week',
      '车库道闸又坏了',
      '车库的道闸打不开',
    ].map((text) => ({ text, cause: 'facilities' }));

    const { model } = trainModel(labels);
    const result = classifyComment(classifierWithModel(model), { text: 'The garage gate is stuck' });

    expect(model.naiveBayes.causes).toContain('facilities');
    expect(result.suggestedCause).toBe('facilities');
    expect(classifyComment(builtInClassifier(), { text: 'The garage gate is stuck' }).suggestedCause).not.toBe('facilities');
  });

  it('when there are enough labels, then training reports a cross-validated macro-F1; with few, none', () => {
    const labels = [
      ...['way too expensive', 'the price doubled', 'cannot afford it', 'too costly now', 'prices went up again', 'fees are too high'].map((text) => ({ text, cause: 'price' })),
      ...['we moved abroad', 'our shop closed', 'my father passed away', 'we relocated', 'the business went bankrupt', 'retired last month'].map((text) => ({ text, cause: 'natural' })),
    ];

    expect(trainModel(labels).crossValidation?.macroF1).toBeGreaterThan(0.8);
    expect(trainModel(labels.slice(0, 5)).crossValidation).toBeNull();
  });
});
