import { cleanCommentText, maxAnalysedLength, truncateSafely } from '../../../src/modules/classification/comment-text';
import { stemWord } from '../../../src/modules/classification/stem';
import { tokenizeComment } from '../../../src/modules/classification/tokenize';
import { withinOneEdit } from '../../../src/modules/classification/typos';

describe('cleaning comment text', () => {
  it('when the text is HTML, then tags, scripts, styles and comments go and entities are decoded', () => {
    const cleaned = cleanCommentText('<p>Price <b>too&nbsp;high</b></p><script>alert("x")</script><style>p{}</style><!-- note -->&amp; rude&#33;');

    expect(cleaned).toBe('price too high & rude!');
  });

  it('when entities spell out markup, then no angle bracket survives', () => {
    expect(cleanCommentText('&lt;script&gt;alert(1)&lt;/script&gt; &#60;b&#62;')).not.toMatch(/[<>]/);
  });

  it('when the text has full-width letters and curly apostrophes, then they are folded', () => {
    expect(cleanCommentText('ＰＲＩＣＥ wasn’t fair')).toBe("price wasn't fair");
  });

  it('when the input is not a string or is empty, then the result is empty', () => {
    expect(cleanCommentText(undefined)).toBe('');
    expect(cleanCommentText(42)).toBe('');
    expect(cleanCommentText('')).toBe('');
  });

  it('when 50 KB arrive, then at most the analysed length is kept', () => {
    const cleaned = cleanCommentText('too expensive '.repeat(4000));

    expect(cleaned.length).toBeLessThanOrEqual(maxAnalysedLength);
    expect(cleaned.startsWith('too expensive')).toBe(true);
  });

  it('when 20 KB of unclosed angle brackets arrive, then cleaning still finishes quickly', () => {
    const hostile = '<a'.repeat(25_000);
    const started = Date.now();

    cleanCommentText(hostile);

    // A generous bound: a quadratic scan of this input takes tens of seconds.
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('when a cut falls inside an emoji, then the half character is dropped', () => {
    const text = `ab${'😀'}`;

    expect(truncateSafely(text, 3)).toBe('ab');
    expect(truncateSafely(text, 4)).toBe(text);
  });
});

describe('tokenizing', () => {
  it('when a comment mixes languages, then English words and Chinese characters become tokens with clauses', () => {
    const { tokens, clauses } = tokenizeComment('客服太慢, but the app crashes');

    expect(tokens.map((token) => token.surface)).toEqual(['客', '服', '太', '慢', 'the', 'app', 'crashes']);
    expect(tokens.find((token) => token.surface === 'crashes')?.form).toBe('crash');
    expect(clauses).toHaveLength(2);
    expect(clauses[1].afterContrast).toBe(true);
  });

  it('when a Chinese comment has 但是 or 不过, then a new clause starts there, but not at 不但', () => {
    expect(tokenizeComment('价格还可以但是服务太差').clauses).toHaveLength(2);
    expect(tokenizeComment('不但贵而且慢').clauses).toHaveLength(1);
  });

  it('when the text is only punctuation or emoji, then there are no tokens', () => {
    expect(tokenizeComment('?!... 😡😡 ---').tokens).toEqual([]);
  });
});

describe('stemming and typos', () => {
  it('when inflections differ, then they share a stem, and short stems keep their e', () => {
    expect(new Set(['crash', 'crashes', 'crashed', 'crashing'].map(stemWord)).size).toBe(1);
    expect(stemWord('cared')).toBe('care');
    expect(stemWord('car')).toBe('car');
    expect(stemWord('dont')).toBe("don't");
  });

  it('when two words differ by one edit or a swap, then they are within one edit', () => {
    expect(withinOneEdit('expnsive', 'expensive')).toBe(true);
    expect(withinOneEdit('reciev', 'receiv')).toBe(true);
    expect(withinOneEdit('price', 'prize')).toBe(true);
    expect(withinOneEdit('price', 'pride')).toBe(true);
    expect(withinOneEdit('price', 'bribe')).toBe(false);
  });
});
