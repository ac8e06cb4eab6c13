/**
 * The churn causes the classifier knows out of the box are the built-in ones (customers/causes.ts).
 * Admins may add causes to the stored taxonomy; those are learnt by the trained model from
 * staff labels, while the built-in lexicon and seed corpus cover the eight built-ins.
 */
import type { BuiltInCauseCode } from '../customers/causes';

export { builtInCauseCodes, causeCodePattern, type CauseCode } from '../customers/causes';

/** The cause given when nothing is clear enough; those results go to the review queue. */
export const fallbackCause: BuiltInCauseCode = 'other';
