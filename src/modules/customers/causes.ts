/**
 * The churn-cause taxonomy (DOMAIN.md, "Churn causes"): the one list of cause codes every
 * module uses — the importer, the events API, the classifier, segments and campaigns.
 */

/** Every cause code, in the order reports list them. */
export const causeCodes = ['price', 'competitor', 'product', 'service', 'trust', 'relationship', 'natural', 'other'] as const;

export type CauseCode = (typeof causeCodes)[number];

/** Whether a win-back attempt can address the cause; `unknown` asks for a survey or interview first. */
export type Recoverability = 'yes' | 'sometimes' | 'no' | 'unknown';

export interface CauseDefinition {
  code: CauseCode;
  label: { en: string; 'zh-CN': string };
  recoverable: Recoverability;
}

export const causeTaxonomy: Readonly<Record<CauseCode, CauseDefinition>> = {
  price: { code: 'price', label: { en: 'Price', 'zh-CN': '价格原因' }, recoverable: 'yes' },
  competitor: { code: 'competitor', label: { en: 'Competitor', 'zh-CN': '竞争对手' }, recoverable: 'yes' },
  product: { code: 'product', label: { en: 'Product', 'zh-CN': '产品原因' }, recoverable: 'yes' },
  service: { code: 'service', label: { en: 'Service', 'zh-CN': '服务原因' }, recoverable: 'yes' },
  trust: { code: 'trust', label: { en: 'Trust', 'zh-CN': '诚信问题' }, recoverable: 'sometimes' },
  relationship: { code: 'relationship', label: { en: 'Relationship', 'zh-CN': '关怀不足 / 利益' }, recoverable: 'yes' },
  natural: { code: 'natural', label: { en: 'Natural churn', 'zh-CN': '正常流失' }, recoverable: 'no' },
  other: { code: 'other', label: { en: 'Other or unknown', 'zh-CN': '其他' }, recoverable: 'unknown' },
};

export function isCauseCode(value: unknown): value is CauseCode {
  return typeof value === 'string' && (causeCodes as readonly string[]).includes(value);
}
