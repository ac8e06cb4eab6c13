/**
 * Churn-cause codes (DOMAIN.md, "Churn causes"). The taxonomy itself is data: it lives in the
 * database (classification/taxonomy.*), seeded with the eight built-in causes below, and admins
 * add, rename and retire causes there. So a cause code is checked in two steps:
 *
 * - its *shape* here, by `causeCodeSchema` (every request and response schema, every model);
 * - its *existence* against the stored taxonomy, where a service assigns or filters by a cause
 *   (classification/known-causes.ts).
 *
 * The built-ins stay a constant for the places that need one by name: `natural` suppression,
 * the `other` fallback, the lexicon, default offers, the Telco import mapping, demo data.
 */
import { z } from 'zod';

/** The eight causes every installation starts with, in the order reports list them. */
export const builtInCauseCodes = ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural', 'other'] as const;

export type BuiltInCauseCode = (typeof builtInCauseCodes)[number];

/**
 * A cause code: a built-in or one an admin added. A plain string, not a union of the built-ins:
 * admins add causes at run time, so which codes exist is a question for the stored taxonomy,
 * not for the type checker.
 */
export type CauseCode = string;

/** Lowercase letters, digits, `-` or `_`, starting with a letter, at most 40: the taxonomy's code rule. */
export const causeCodePattern = /^[a-z][a-z0-9_-]{0,39}$/;

const causeShapeMessage = 'expected a cause code (lowercase letters, digits, - or _, at most 40)';

/** A cause code's shape, with `message` (a text, or a translation key on forms) when it is not one. */
export function causeCodeField(message: string = causeShapeMessage) {
  return z.string({ error: message }).regex(causeCodePattern, message);
}

/** The shape of a cause code in request and response schemas; existence is checked by the services. */
export const causeCodeSchema = causeCodeField().meta({
  description: 'A churn-cause code of the taxonomy: one of the built-ins (price, competitor, product, service, trust, relationship, natural, other) or one an admin added.',
});

/** Reports count customers without a cause under this key, so no cause may be called so. */
export const noCauseKey = 'unknown';

/** Whether a win-back attempt can address the cause; `unknown` asks for a survey or interview first. */
export type Recoverability = 'yes' | 'sometimes' | 'no' | 'unknown';

export interface CauseDefinition {
  code: BuiltInCauseCode;
  label: { en: string; 'zh-CN': string };
  recoverable: Recoverability;
}

/** The built-in causes' default labels (admins may rename them in the stored taxonomy). */
export const builtInCauses: Readonly<Record<BuiltInCauseCode, CauseDefinition>> = {
  price: { code: 'price', label: { en: 'Price', 'zh-CN': '价格原因' }, recoverable: 'yes' },
  competitor: { code: 'competitor', label: { en: 'Competitor', 'zh-CN': '竞争对手' }, recoverable: 'yes' },
  product: { code: 'product', label: { en: 'Product', 'zh-CN': '产品原因' }, recoverable: 'yes' },
  service: { code: 'service', label: { en: 'Service', 'zh-CN': '服务原因' }, recoverable: 'yes' },
  trust: { code: 'trust', label: { en: 'Trust', 'zh-CN': '诚信问题' }, recoverable: 'sometimes' },
  relationship: { code: 'relationship', label: { en: 'Relationship', 'zh-CN': '关怀不足 / 利益' }, recoverable: 'yes' },
  natural: { code: 'natural', label: { en: 'Natural churn', 'zh-CN': '正常流失' }, recoverable: 'no' },
  other: { code: 'other', label: { en: 'Other or unknown', 'zh-CN': '其他' }, recoverable: 'unknown' },
};

export function isBuiltInCauseCode(value: unknown): value is BuiltInCauseCode {
  return typeof value === 'string' && (builtInCauseCodes as readonly string[]).includes(value);
}
