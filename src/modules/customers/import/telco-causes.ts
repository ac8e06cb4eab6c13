/**
 * How the IBM Telco file's churn reasons map onto our cause taxonomy (DOMAIN.md). The file has
 * 20 fixed reason phrases under 5 categories; every phrase is listed. The reason decides, not the
 * category: "Poor expertise of online support" is filed under both Dissatisfaction and Other, and
 * is a service cause either way. The README shows this table too.
 */
import type { BuiltInCauseCode } from '../causes';

/** Reason phrase (lower-cased) → cause. */
export const telcoReasonCauses: Readonly<Record<string, BuiltInCauseCode>> = {
  // Category "Competitor": a better offer elsewhere.
  'competitor made better offer': 'competitor',
  'competitor had better devices': 'competitor',
  'competitor offered more data': 'competitor',
  'competitor offered higher download speeds': 'competitor',
  // Category "Attitude", and the support-expertise reasons: how we served the customer.
  'attitude of support person': 'service',
  'attitude of service provider': 'service',
  'poor expertise of online support': 'service',
  'poor expertise of phone support': 'service',
  'service dissatisfaction': 'service',
  // Category "Price": what the customer paid. Affordable speed is filed under Price in the file:
  // the speed exists, the customer would not pay for it.
  'price too high': 'price',
  'extra data charges': 'price',
  'long distance charges': 'price',
  'lack of affordable download/upload speed': 'price',
  // Category "Dissatisfaction" (the rest): what we offer and how well it works.
  'product dissatisfaction': 'product',
  'network reliability': 'product',
  'limited range of services': 'product',
  'lack of self-service on website': 'product',
  // Category "Other": nothing to win back, or nothing known.
  moved: 'natural',
  deceased: 'natural',
  "don't know": 'other',
};

/** For a reason phrase the table does not know (a newer file), the category decides. */
export const telcoCategoryCauses: Readonly<Record<string, BuiltInCauseCode>> = {
  competitor: 'competitor',
  attitude: 'service',
  dissatisfaction: 'product',
  price: 'price',
  other: 'other',
};

/** The cause of a Telco churn, or undefined when the row gives neither reason nor category. */
export function telcoCause(reason: string | undefined, category: string | undefined): BuiltInCauseCode | undefined {
  const byReason = reason ? telcoReasonCauses[reason.trim().toLowerCase()] : undefined;
  if (byReason) return byReason;
  const byCategory = category ? telcoCategoryCauses[category.trim().toLowerCase()] : undefined;
  if (byCategory) return byCategory;
  return reason || category ? 'other' : undefined;
}
