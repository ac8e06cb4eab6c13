/**
 * Features for the statistical model, from one comment analysis:
 * - English: word stems and pairs of neighbouring stems, plus character 4-grams so that
 *   misspellings still share most of their features with the right word;
 * - Chinese: words from `Intl.Segmenter`, character pairs and single characters, so that the
 *   model does not depend on how the segmenter cuts an unusual phrase.
 * Words the lexicon found negated ("not the price") become separate `n:` features, so the model
 * does not learn "price" from comments that say price was not the problem.
 */
import type { CommentAnalysis } from './comment-analysis';
import type { Token } from './tokenize';

export interface FeatureBag {
  /** Feature → weight; a feature counts once per comment however often it occurs. */
  weights: Map<string, number>;
  /** Word features → the words as written, for explanations. */
  readable: Map<string, string>;
}

export const featureWeights = { word: 1, pair: 1, latinGram: 0.25, hanPair: 0.6, hanChar: 0.25 } as const;

export function extractFeatures(analysis: CommentAnalysis): FeatureBag {
  const bag: FeatureBag = { weights: new Map(), readable: new Map() };
  const { tokens } = analysis;
  const negated = new Uint8Array(tokens.length);
  for (const hit of analysis.hits) if (hit.negated) negated.fill(1, hit.start, hit.end);

  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.script !== 'latin') continue;
    const prefix = negated[i] ? 'n:' : 'w:';
    if (!latinStopwords.has(token.form)) add(bag, prefix + token.form, featureWeights.word, token.surface);
    const next = tokens[i + 1];
    if (next?.script === 'latin' && next.clause === token.clause && !(latinStopwords.has(token.form) && latinStopwords.has(next.form))) {
      add(bag, `${negated[i] || negated[i + 1] ? 'n' : 'b'}:${token.form} ${next.form}`, featureWeights.pair, `${token.surface} ${next.surface}`);
    }
    if (token.form.length >= 4 && !negated[i]) {
      const padded = `<${token.form}>`;
      for (let g = 0; g + 4 <= padded.length; g++) add(bag, `c:${padded.slice(g, g + 4)}`, featureWeights.latinGram);
    }
  }
  for (const run of hanRuns(tokens)) addHanFeatures(bag, run, negated);
  return bag;
}

interface HanRun {
  text: string;
  start: number;
}

function hanRuns(tokens: readonly Token[]): HanRun[] {
  const runs: HanRun[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].script !== 'han') continue;
    const last = runs[runs.length - 1];
    if (last !== undefined && tokens[i - 1]?.run === tokens[i].run) last.text += tokens[i].form;
    else runs.push({ text: tokens[i].form, start: i });
  }
  return runs;
}

function addHanFeatures(bag: FeatureBag, run: HanRun, negated: Uint8Array): void {
  const chars = [...run.text];
  const isNegated = (from: number, to: number) => {
    for (let i = run.start + from; i < run.start + to; i++) if (negated[i] === 1) return true;
    return false;
  };
  for (let i = 0; i < chars.length; i++) {
    if (!hanStopChars.has(chars[i])) add(bag, `${isNegated(i, i + 1) ? 'n' : 'c'}:${chars[i]}`, featureWeights.hanChar);
    if (i + 1 < chars.length) {
      const pair = chars[i] + chars[i + 1];
      add(bag, `${isNegated(i, i + 2) ? 'n' : 'b'}:${pair}`, featureWeights.hanPair, pair);
    }
  }
  if (segmenter === undefined) return;
  // The segmenter counts UTF-16 units, tokens count characters; they differ only for rare characters.
  const pointAt = chars.length === run.text.length ? undefined : unitToPointIndex(chars);
  for (const segment of segmenter.segment(run.text)) {
    const word = segment.segment;
    if (word.length < 2 || hanStopWords.has(word)) continue;
    const from = pointAt ? pointAt[segment.index] : segment.index;
    const to = pointAt ? pointAt[segment.index + word.length] : segment.index + word.length;
    add(bag, `${isNegated(from, to) ? 'n' : 'w'}:${word}`, featureWeights.word, word);
  }
}

function unitToPointIndex(chars: readonly string[]): number[] {
  const map: number[] = [];
  chars.forEach((char, point) => {
    for (let unit = 0; unit < char.length; unit++) map.push(point);
  });
  map.push(chars.length);
  return map;
}

function add(bag: FeatureBag, feature: string, weight: number, readable?: string): void {
  const current = bag.weights.get(feature);
  if (current === undefined || current < weight) bag.weights.set(feature, weight);
  if (readable !== undefined && !bag.readable.has(feature)) bag.readable.set(feature, readable);
}

/** Node builds with small ICU have no segmenter; character pairs then carry Chinese alone. */
const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('zh', { granularity: 'word' }) : undefined;

const latinStopwords = new Set(
  `a an and the to of i we it is was my our for in on with that this they you your me us be have had has so at as just
  were are been do did or if from by their them its an am he she his her one would will`.split(/\s+/),
);
const hanStopChars = new Set([...'的了是我们你他她它就都也还在和与及呢吧啊吗呀']);
const hanStopWords = new Set(['我们', '你们', '他们', '这个', '那个', '一个', '就是', '还是', '然后', '因为', '所以', '已经']);
