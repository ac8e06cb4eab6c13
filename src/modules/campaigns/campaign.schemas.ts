/**
 * What a campaign may say, checked before anything is stored or scheduled: offers within
 * range, templates that parse and use only known merge fields, a send window that ends after
 * it starts, a sequence whose days go forward.
 */
import { z } from 'zod';
import { causeCodePattern } from '../customers/causes';
import { valueTiers } from '../customers/vocabulary';
import { segmentDefinitionSchema } from '../segments/segment.schemas';
import { offerActions } from './campaign.model';
import { templateProblems } from './templates';

const template = (max: number) =>
  z
    .string()
    .max(max, `at most ${max} characters`)
    .superRefine((source, ctx) => {
      for (const problem of templateProblems(source)) ctx.addIssue({ code: 'custom', message: problem });
    });
const localizedTemplate = (max: number) => z.object({ en: template(max).refine((value) => value.trim() !== '', 'required'), 'zh-CN': template(max).default('') });

const variantSchema = z.object({
  key: z.string().regex(/^[A-Za-z0-9_-]{1,20}$/, 'letters, digits, _ or -'),
  weight: z.number().int().min(1).max(100).default(1),
  subject: localizedTemplate(300),
  body: localizedTemplate(20_000),
});

const offerSchema = z
  .object({
    tiers: z.array(z.enum([...valueTiers, 'none', '*'])).min(1),
    // Any cause ('*') or cause codes; the service checks them against the stored taxonomy.
    causes: z.array(z.string().refine((cause) => cause === '*' || causeCodePattern.test(cause), 'Invalid option: expected * or a cause code')).min(1),
    action: z.enum(offerActions),
    discountPercent: z.number().min(0, 'an offer between 0 and 100%').max(100, 'an offer between 0 and 100%').optional(),
    couponCode: z.string().trim().max(64).optional(),
    freeMonths: z.number().int().min(1).max(24).optional(),
    plan: z.string().trim().max(100).optional(),
    variants: z.array(variantSchema).max(5).default([]),
  })
  .superRefine((offer, ctx) => {
    const mails = offer.action !== 'exclude' && offer.action !== 'personal_call';
    if (mails && offer.variants.length === 0) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'an offer sent by e-mail needs at least one message variant' });
    if (new Set(offer.variants.map((variant) => variant.key)).size !== offer.variants.length) ctx.addIssue({ code: 'custom', path: ['variants'], message: 'variant keys must be unique' });
    if (offer.action === 'discount' && offer.discountPercent === undefined) ctx.addIssue({ code: 'custom', path: ['discountPercent'], message: 'a discount needs a percentage' });
    if (offer.action === 'coupon' && !offer.couponCode) ctx.addIssue({ code: 'custom', path: ['couponCode'], message: 'a coupon offer needs a code' });
    if (offer.action === 'free_months' && !offer.freeMonths) ctx.addIssue({ code: 'custom', path: ['freeMonths'], message: 'say how many months are free' });
    if (offer.action === 'plan_downgrade' && !offer.plan) ctx.addIssue({ code: 'custom', path: ['plan'], message: 'name the plan to offer' });
  });

const stepSchema = z.object({
  day: z.number().int().min(0).max(365),
  subject: localizedTemplate(300).optional(),
  body: localizedTemplate(20_000).optional(),
});

const timezoneSchema = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Europe/Helsinki');

export const campaignDraftSchema = z
  .object({
    name: z.string().trim().min(1, 'required').max(200),
    goal: z.string().trim().max(1000).optional(),
    segmentId: z.string().regex(/^[0-9a-f]{24}$/i).optional(),
    audience: segmentDefinitionSchema,
    offers: z.array(offerSchema).min(1, 'add at least one offer rule').max(50),
    holdoutPercent: z.number().min(0).max(50).default(10),
    steps: z.array(stepSchema).min(1).max(5).default([{ day: 0 }]),
    schedule: z.object({
      startAt: z.coerce.date({ error: 'a date and time' }),
      windowStartHour: z.number().int().min(0).max(23).default(9),
      windowEndHour: z.number().int().min(1).max(24).default(18),
      weekdaysOnly: z.boolean().default(true),
      throttlePerMinute: z.number().int().min(1).max(100_000).default(600),
      frequencyCapDays: z.number().int().min(0).max(365).default(7),
      defaultTimezone: timezoneSchema.default('UTC'),
    }),
    landingUrl: z.url({ protocol: /^https?$/, error: 'an http(s) address' }),
    attributionDays: z.number().int().min(1).max(365).default(30),
  })
  .superRefine((draft, ctx) => {
    if (draft.schedule.windowEndHour <= draft.schedule.windowStartHour) {
      ctx.addIssue({ code: 'custom', path: ['schedule', 'windowEndHour'], message: 'the send window must end after it starts' });
    }
    const days = draft.steps.map((step) => step.day);
    if (days.some((day, i) => i > 0 && day <= days[i - 1])) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'steps must come on later and later days' });
  });

export type CampaignDraft = z.output<typeof campaignDraftSchema>;
export type CampaignDraftInput = z.input<typeof campaignDraftSchema>;
