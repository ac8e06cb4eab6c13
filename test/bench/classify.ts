/**
 * `npm run bench:classify`: classification throughput (texts per second, one thread) next to
 * two baselines measured in the same run over the same texts (a trivial regex pass, and the
 * cleaning + tokenizer alone), and the time to train on 10,000 labeled comments.
 */
import { builtInClassifier } from '../../src/modules/classification/built-in';
import { classifyComment } from '../../src/modules/classification/classifier';
import { cleanCommentText } from '../../src/modules/classification/comment-text';
import { builtInLexicon } from '../../src/modules/classification/lexicon';
import { seedCorpus } from '../../src/modules/classification/seed-corpus';
import { trainTextModel } from '../../src/modules/classification/text-model';
import { tokenizeComment } from '../../src/modules/classification/tokenize';
import { trainModel } from '../../src/modules/classification/training.service';
import { evaluationComments } from '../helpers/classification-fixtures';

const textCount = 20_000;
const trainingCount = 10_000;

const labeled = [...seedCorpus(), ...evaluationComments().map(({ text, cause }) => ({ text, cause }))];
const random = seededRandom(7);
const texts = Array.from({ length: textCount }, () => labeled[Math.floor(random() * labeled.length)].text);

const regexRate = rate(() => {
  let words = 0;
  for (const text of texts) words += text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0;
  return words;
});
const tokenizerRate = rate(() => {
  let tokens = 0;
  for (const text of texts) tokens += tokenizeComment(cleanCommentText(text)).tokens.length;
  return tokens;
});
const classifier = builtInClassifier();
classifyComment(classifier, { text: 'warm-up' });
const classifyRate = rate(() => {
  let reviews = 0;
  for (const text of texts) if (classifyComment(classifier, { text }).needsReview) reviews++;
  return reviews;
});

// 10k distinct labeled comments: pairs of same-cause comments joined, as long comments often are.
const byCause = new Map<string, typeof labeled>();
for (const example of labeled) byCause.set(example.cause, [...(byCause.get(example.cause) ?? []), example]);
const causes = [...byCause.keys()];
const training = Array.from({ length: trainingCount }, (_, i) => {
  const pool = byCause.get(causes[i % causes.length]) ?? [];
  const first = pool[Math.floor(random() * pool.length)];
  const second = pool[Math.floor(random() * pool.length)];
  return { text: `${first.text} ${second.text}`, cause: first.cause };
});
const lexicon = builtInLexicon();
const trainStart = performance.now();
const model = trainTextModel(training, lexicon);
const trainMs = performance.now() - trainStart;
const cvStart = performance.now();
const withCrossValidation = trainModel(training);
const cvMs = performance.now() - cvStart;

console.log(`texts: ${textCount} (comments from the seed corpus and the evaluation set), single thread, node ${process.version}`);
console.log(`baseline regex word pass:      ${format(regexRate)} texts/s`);
console.log(`baseline clean + tokenize:     ${format(tokenizerRate)} texts/s`);
console.log(`classify (built-in model):     ${format(classifyRate)} texts/s  (${(classifyRate / tokenizerRate).toFixed(2)}× the tokenizer, ${(classifyRate / regexRate).toFixed(3)}× the regex pass)`);
console.log(`train on ${trainingCount} labeled texts:   ${Math.round(trainMs)} ms (${model.naiveBayes.features.size} features)`);
console.log(`train + 5-fold cross-validation: ${Math.round(cvMs)} ms (macro-F1 ${withCrossValidation.crossValidation?.macroF1.toFixed(3)} on recombined texts: a timing, not a quality figure)`);

/** Texts per second of one pass over `texts`, best of three runs. */
function rate(pass: () => number): number {
  let best = Infinity;
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    pass();
    best = Math.min(best, performance.now() - start);
  }
  return (texts.length / best) * 1000;
}

function format(value: number): string {
  return Math.round(value).toLocaleString('en-US').padStart(10);
}

/** A small deterministic generator (mulberry32), so every run measures the same texts. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
