/** The built-in bilingual lexicon, compiled once per process. */
import { compileLexicon, type Lexicon } from '../lexicon-compile';
import { englishLexicon } from './en';
import { chineseLexicon } from './zh';

let compiled: Lexicon | undefined;

export function builtInLexicon(): Lexicon {
  compiled ??= compileLexicon([englishLexicon, chineseLexicon]);
  return compiled;
}
