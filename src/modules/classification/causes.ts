/**
 * The churn causes the classifier knows out of the box (see the taxonomy in DOMAIN.md).
 * Admins may add causes to the stored taxonomy; those are learnt by the trained model from
 * staff labels, while the built-in lexicon and seed corpus cover these eight.
 */
export const defaultCauseCodes = ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural', 'other'] as const;

export type DefaultCauseCode = (typeof defaultCauseCodes)[number];

/** A cause code: one of the defaults or one an admin added (lowercase letters, digits, `-`, `_`). */
export type CauseCode = string;

/** The cause given when nothing is clear enough; those results go to the review queue. */
export const fallbackCause: DefaultCauseCode = 'other';

export const causeCodePattern = /^[a-z][a-z0-9_-]{0,39}$/;
