import { builtInClassifier } from '../../../src/modules/classification/built-in';
import { classifyComment, type Classification } from '../../../src/modules/classification/classifier';

const classifier = builtInClassifier();
const classify = (text: string, answers?: Parameters<typeof classifyComment>[1]['answers']): Classification => classifyComment(classifier, { text, answers });

describe('classifying edge inputs', () => {
  it.each([
    ['empty text', ''],
    ['only punctuation', '?!?!... ,,, ---'],
    ['only emoji', '😡😡😡 👎'],
  ])('when the comment is %s, then the result is other and needs review', (_, text) => {
    const result = classify(text);

    expect(result).toMatchObject({ cause: 'other', secondary: null, needsReview: true });
    expect(result.confidence).toBeGreaterThanOrEqual(0);
    expect(result.confidence).toBeLessThan(0.25);
  });

  it('when 50 KB of text arrive, then it is classified from its beginning without error', () => {
    const text = `The price went up again and I cannot afford it. ${'blah '.repeat(10_000)}`;
    expect(text.length).toBeGreaterThan(50_000);

    const result = classify(text);

    expect(result.cause).toBe('price');
    expect(result.explanation.length).toBeLessThanOrEqual(12);
  });

  it('when a comment mixes English and Chinese, then both languages count', () => {
    const result = classify('客服态度很差, and nobody ever called back');

    expect(result.cause).toBe('service');
    expect(result.explanation.some((item) => /[\u4e00-\u9fff]/.test(item.evidence))).toBe(true);
    expect(result.explanation.some((item) => /called back/.test(item.evidence))).toBe(true);
  });

  it('when the comment contains HTML, then it is read as text and no markup reaches the explanation', () => {
    const result = classify('<div onclick="steal()"><b>Way too expensive</b><script>document.cookie</script> &lt;img src=x&gt;</div>');

    expect(result.cause).toBe('price');
    for (const item of result.explanation) {
      expect(item.evidence).not.toMatch(/[<>"=]/);
      expect(item.evidence).not.toMatch(/script|cookie|onclick/);
    }
  });

  it('when a word is misspelt, then the lexicon still finds it', () => {
    const result = classify('Way too expnsive for us');

    expect(result.cause).toBe('price');
    expect(result.explanation).toContainEqual(expect.objectContaining({ signal: 'lexicon', cause: 'price', evidence: 'too expnsive' }));
  });
});

describe('negation', () => {
  it.each([
    ["It wasn't the price, the app kept crashing every day", 'product'],
    ['Price was fine but support never answered my emails', 'service'],
    ['Nothing wrong with the product, we simply closed the business', 'natural'],
    ['不是因为价格，是客服态度太差了', 'service'],
    ['价格还可以，就是功能太少，满足不了需求', 'product'],
    ['服务挺好的，只是我们搬到外地去了', 'natural'],
  ])('when "%s", then the negated cause is not chosen and the result is %s', (text, expected) => {
    const result = classify(text);

    expect(result.cause).toBe(expected);
    const negated = result.explanation.filter((item) => item.weight < 0);
    expect(negated.length).toBeGreaterThan(0);
    expect(negated.every((item) => item.cause !== expected)).toBe(true);
  });

  it('when a complaint carries its own negation, then it is not read as a denial', () => {
    expect(classify('No follow-up after the sale, nobody called back').cause).toBe('service');
    expect(classify('We cannot afford it anymore').cause).toBe('price');
    expect(classify('客服不理人').cause).toBe('service');
  });
});

describe('two causes and the choice signal', () => {
  it('when a comment names two causes, then the stronger is primary and the other secondary', () => {
    const english = classify('The price doubled and on top of that the app crashes constantly and is full of bugs');
    const chinese = classify('价格太贵了，而且客服态度也很差');

    expect([english.cause, english.secondary].sort()).toEqual(['price', 'product']);
    expect([chinese.cause, chinese.secondary].sort()).toEqual(['price', 'service']);
  });

  it('when a survey choice names a cause, then it outweighs a weaker text signal and the text cause is secondary', () => {
    const result = classify('the app crashed once', [{ questionId: 'q1', choiceCause: 'price' }]);

    expect(result.cause).toBe('price');
    expect(result.secondary).toBe('product');
    expect(result.explanation[0]).toMatchObject({ signal: 'choice', cause: 'price', evidence: 'q1: price' });
  });

  it('when answers are plain cause codes with no text, then the choice decides with enough confidence', () => {
    const result = classify('', ['competitor']);

    expect(result).toMatchObject({ cause: 'competitor', needsReview: false });
  });

  it('when an answer names an unknown cause, then it is ignored as a choice', () => {
    const result = classify('', [{ choiceCause: 'no-such-cause' }]);

    expect(result).toMatchObject({ cause: 'other', needsReview: true });
  });

  it('when answer texts come with the survey, then they are classified with the comment', () => {
    expect(classify('', [{ questionId: 'why', text: 'We moved abroad' }]).cause).toBe('natural');
  });
});

describe('the review threshold', () => {
  it('when the threshold is raised above the confidence, then the result is other with the best guess kept for review', () => {
    const text = 'Too expensive';
    const strict = classifyComment(builtInClassifier({ reviewThreshold: 0.99 }), { text });
    const normal = classify(text);

    expect(normal).toMatchObject({ cause: 'price', needsReview: false });
    expect(strict).toMatchObject({ cause: 'other', needsReview: true, suggestedCause: 'price', secondary: null });
    expect(strict.confidence).toBe(normal.confidence);
  });

  it('when a comment is vague, then it lands on other', () => {
    expect(classify('Just wanted a change').cause).toBe('other');
    expect(classify('不想说').cause).toBe('other');
  });
});
