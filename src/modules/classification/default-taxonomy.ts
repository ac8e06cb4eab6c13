/**
 * The taxonomy the stored one is seeded from (DOMAIN.md, "Churn causes"): codes, labels and
 * recoverability come from the customers module's built-in list, plus what each cause covers and its
 * default win-back lever, in both languages.
 */
import { builtInCauseCodes, builtInCauses, type BuiltInCauseCode } from '../customers/causes';
import type { CauseInput } from './taxonomy.schemas';

const coverage: Record<BuiltInCauseCode, { description: CauseInput['description']; winBackLever: CauseInput['winBackLever'] }> = {
  price: {
    description: { en: 'Too expensive, competitor cheaper, price rise, unclear or unfair billing amounts.', 'zh-CN': '价格太高、竞争对手更便宜、涨价、账单金额不清或不合理。' },
    winBackLever: { en: 'Discount, cheaper plan, adjusted tariff.', 'zh-CN': '折扣、更便宜的套餐、调整资费。' },
  },
  competitor: {
    description: { en: "A competitor's offer, promotion or gifts were more attractive, or the competitor poached the account.", 'zh-CN': '竞争对手的报价、促销或赠品更有吸引力，或被竞争对手挖走。' },
    winBackLever: { en: 'Matching offer, loyalty perks.', 'zh-CN': '对等优惠、忠诚客户权益。' },
  },
  product: {
    description: { en: 'Quality problems, missing features, assortment gaps, reliability, the product no longer fits.', 'zh-CN': '质量问题、功能缺失、品种不全、不稳定、产品不再适合。' },
    winBackLever: { en: 'Product update news, a new offering.', 'zh-CN': '产品更新通知、开发新业务。' },
  },
  service: {
    description: { en: 'Poor support attitude, slow response, no follow-up after sale, bad onboarding, complaints not handled.', 'zh-CN': '服务态度差、响应慢、售后无跟进、上手引导差、投诉未处理。' },
    winBackLever: { en: 'Apology, dedicated success manager, service-quality fixes.', 'zh-CN': '道歉、专属客户成功经理、改进服务质量。' },
  },
  trust: {
    description: { en: 'Promises not kept (rebates, gifts, service terms), charges without consent, opaque billing.', 'zh-CN': '承诺未兑现（返利、赠品、服务条款）、未经同意扣费、收费不透明。' },
    winBackLever: { en: 'Personal contact from a manager, make good on the promise.', 'zh-CN': '经理亲自联系、兑现承诺。' },
  },
  relationship: {
    description: { en: 'The customer felt nobody cared, no privileges for loyal customers, benefits reduced.', 'zh-CN': '客户觉得没人关心、老客户没有优待、权益减少。' },
    winBackLever: { en: 'Recognition, VIP privileges, regular contact.', 'zh-CN': '认可与感谢、VIP 特权、定期联系。' },
  },
  natural: {
    description: { en: 'Moved away, business closed, changed industry, deceased, no longer needs the product.', 'zh-CN': '搬迁、停业、转行、去世、不再需要产品。' },
    winBackLever: { en: 'None: exclude from win-back and keep goodwill.', 'zh-CN': '无：不做挽回，保持好感。' },
  },
  other: {
    description: { en: 'Anything else, or unknown (wants a change, inconvenience, political sentiment).', 'zh-CN': '其他或未知（想换换、不方便、政治情绪等）。' },
    winBackLever: { en: 'Survey or interview to find out.', 'zh-CN': '通过问卷或访谈了解原因。' },
  },
};

export const defaultTaxonomy: readonly CauseInput[] = builtInCauseCodes.map((code) => ({
  code,
  labels: builtInCauses[code].label,
  recoverable: builtInCauses[code].recoverable,
  ...coverage[code],
}));
