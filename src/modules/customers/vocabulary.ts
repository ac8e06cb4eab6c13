/**
 * The fixed words of a customer record: statuses, churn types, where a cause came from,
 * warning levels, value tiers and the languages we write to customers in.
 */

/** `at_risk` is set by the RFM early warning; `won_back` after a reactivation. */
export const customerStatuses = ['active', 'at_risk', 'churned', 'won_back'] as const;
export type CustomerStatus = (typeof customerStatuses)[number];

export const churnTypes = ['voluntary', 'involuntary'] as const;
export type ChurnType = (typeof churnTypes)[number];

/** How a churn was detected: the customer cancelled, or stopped buying for the inactivity window. */
export const churnTriggers = ['cancellation', 'inactivity'] as const;
export type ChurnTrigger = (typeof churnTriggers)[number];

export const causeSources = ['survey', 'interview', 'classifier', 'staff', 'import'] as const;
export type CauseSource = (typeof causeSources)[number];

export const rfmLevels = ['none', 'yellow', 'orange', 'red'] as const;
export type RfmLevel = (typeof rfmLevels)[number];

/** Highest first. */
export const valueTiers = ['VIP', 'A', 'B', 'C', 'D'] as const;
export type ValueTier = (typeof valueTiers)[number];

export const customerLocales = ['en', 'zh-CN'] as const;
export type CustomerLocale = (typeof customerLocales)[number];

export const transactionKinds = ['order', 'payment', 'refund'] as const;
export type TransactionKind = (typeof transactionKinds)[number];
