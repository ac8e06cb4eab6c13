/**
 * The bundled seed corpus the built-in model learns from, so classification works on a fresh
 * install before any staff label exists.
 */
import type { LabeledComment } from '../text-model';
import { englishSeedCorpus } from './en';
import { chineseSeedCorpus } from './zh';

export function seedCorpus(): LabeledComment[] {
  return [englishSeedCorpus, chineseSeedCorpus].flatMap((corpus) =>
    Object.entries(corpus).flatMap(([cause, texts]) => texts.map((text) => ({ text, cause }))),
  );
}
