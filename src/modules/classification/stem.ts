/**
 * A deliberately light English stemmer: it folds the inflections customers actually vary
 * (crash / crashes / crashed / crashing, charge / charged / charges) onto one form. The same
 * function runs over lexicon phrases and comments, so its forms only need to agree with
 * themselves, not to be real words.
 */
export function stemWord(word: string): string {
  const spelledOut = contractions.get(word);
  if (spelledOut !== undefined) return spelledOut;
  if (word.length <= 3 || /\d/.test(word) || word.endsWith("n't")) return word;
  let stem = word.replace(/'s$/, '');
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('sses')) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && !/(ss|us|is)$/.test(stem) && stem.length > 3) stem = stem.slice(0, -1);

  if (stem.endsWith('ing') && stem.length > 5) stem = restoreE(undouble(stem.slice(0, -3)));
  else if (stem.endsWith('ied') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('ed') && stem.length > 4) stem = restoreE(undouble(stem.slice(0, -2)));

  if (stem.endsWith('e') && stem.length > 4) stem = stem.slice(0, -1);
  return stem;
}

/** cared → car → care, moving → mov → move: short stems got their e back, so "car" stays a car. */
function restoreE(stem: string): string {
  return stem.length <= 3 ? `${stem}e` : stem;
}

/** stopped → stopp → stop; but keep "ll"/"ss" words (call, miss) whole. */
function undouble(stem: string): string {
  const n = stem.length;
  if (n > 3 && stem[n - 1] === stem[n - 2] && !/[lsz]/.test(stem[n - 1])) return stem.slice(0, -1);
  return stem;
}

/** Contractions typed without the apostrophe, and their long forms, read as the usual contraction. */
const contractions = new Map<string, string>([
  ['dont', "don't"],
  ['didnt', "didn't"],
  ['doesnt', "doesn't"],
  ['wasnt', "wasn't"],
  ['isnt', "isn't"],
  ['arent', "aren't"],
  ['werent', "weren't"],
  ['cant', "can't"],
  ['cannot', "can't"],
  ['couldnt', "couldn't"],
  ['wouldnt', "wouldn't"],
  ['havent', "haven't"],
  ['hasnt', "hasn't"],
  ['hadnt', "hadn't"],
  ['wont', "won't"],
  ['shouldnt', "shouldn't"],
]);
