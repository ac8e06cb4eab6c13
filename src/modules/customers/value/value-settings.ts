/**
 * The admin's choices for the value model: CLV inputs, how tiers are cut, RFM thresholds.
 * Defaults come from DOMAIN.md; an admin's saved settings override them field by field.
 */
import { z } from 'zod';
import type { ValueTier } from '../vocabulary';

/** Tiers above D, highest first: each has a lower bound; everything below C is D. */
export const rankedTiers = ['VIP', 'A', 'B', 'C'] as const satisfies readonly ValueTier[];
export type RankedTier = (typeof rankedTiers)[number];

/** The lowest CLV that still earns each tier. */
export type TierCuts = Record<RankedTier, number>;

const share = z.number().gt(0).lte(1);
const amount = z.number().finite();
const days = z.number().int().min(0).max(3650);
const fraction = z.number().min(0).max(1);

const tierBounds = <T extends z.ZodType<number>>(bound: T) => z.object({ VIP: bound, A: bound, B: bound, C: bound }).strict();

export const valueSettingsSchema = z
  .object({
    clv: z
      .object({
        /** r: yearly discount rate. */
        discountRate: z.number().min(0).max(1),
        /** Share of customers kept from one year to the next; sets the expected loyal years. */
        retentionRate: z.number().min(0).max(1),
        /** Upper bound on n, the expected loyal years. */
        maxYears: z.number().gt(0).max(100),
        /** Cost to serve as a share of revenue, for customers whose cost is unknown (0 = CLV from revenue). */
        costRatio: fraction,
      })
      .strict(),
    tiers: z
      .object({
        mode: z.enum(['quantile', 'absolute']),
        /** Cumulative top shares: VIP = the top 5%, A = the next ones up to 20% … */
        quantiles: tierBounds(share).refine(isAscending, 'each share must be at least the one of the tier above'),
        /** Lowest CLV for each tier when cutting by absolute thresholds. */
        thresholds: tierBounds(amount).refine(isDescending, 'each threshold must be at most the one of the tier above'),
      })
      .strict(),
    rfm: z
      .object({
        /** Length of the frequency and monetary comparison windows. */
        windowDays: z.number().int().min(1).max(365),
        /** More days than this since the last transaction: orange, then red. */
        orangeAfterDays: days,
        redAfterDays: days,
        /** More days than this: the customer counts as inactive (the inactivity churn window). */
        inactiveAfterDays: days,
        /** A frequency or monetary drop above this share: orange, then red; any smaller drop: yellow. */
        orangeDropAbove: fraction,
        redDropAbove: fraction,
      })
      .strict()
      .refine((rfm) => rfm.orangeAfterDays <= rfm.redAfterDays && rfm.redAfterDays <= rfm.inactiveAfterDays, {
        message: 'expected orangeAfterDays ≤ redAfterDays ≤ inactiveAfterDays',
      })
      .refine((rfm) => rfm.orangeDropAbove <= rfm.redDropAbove, { message: 'expected orangeDropAbove ≤ redDropAbove' }),
  })
  .strict();

export type ValueSettings = z.infer<typeof valueSettingsSchema>;

/** DOMAIN.md: r = 10%; RFM yellow ≤ 10 days / ≤ 30% drop, orange 11–30 days / 30–50%, red 31–60 days / > 50%. */
export const defaultValueSettings: ValueSettings = Object.freeze({
  clv: { discountRate: 0.1, retentionRate: 0.8, maxYears: 20, costRatio: 0 },
  tiers: {
    mode: 'quantile',
    quantiles: { VIP: 0.05, A: 0.2, B: 0.5, C: 0.8 },
    thresholds: { VIP: 20_000, A: 10_000, B: 5_000, C: 1_000 },
  },
  rfm: { windowDays: 30, orangeAfterDays: 10, redAfterDays: 30, inactiveAfterDays: 60, orangeDropAbove: 0.3, redDropAbove: 0.5 },
}) as ValueSettings;

/** A partial change to the settings, as an admin submits it. */
export const valueSettingsPatchSchema = z
  .object({
    clv: valueSettingsSchema.shape.clv.partial().optional(),
    tiers: z
      .object({
        mode: z.enum(['quantile', 'absolute']).optional(),
        quantiles: tierBounds(share).partial().optional(),
        thresholds: tierBounds(amount).partial().optional(),
      })
      .strict()
      .optional(),
    rfm: z.record(z.string(), z.number()).optional(),
  })
  .strict();

export type ValueSettingsPatch = z.infer<typeof valueSettingsPatchSchema>;

/** The settings with a patch applied; throws a ZodError naming the field when the result is not valid. */
export function applyValueSettingsPatch(current: ValueSettings, patch: ValueSettingsPatch): ValueSettings {
  return valueSettingsSchema.parse({
    clv: { ...current.clv, ...patch.clv },
    tiers: {
      mode: patch.tiers?.mode ?? current.tiers.mode,
      quantiles: { ...current.tiers.quantiles, ...patch.tiers?.quantiles },
      thresholds: { ...current.tiers.thresholds, ...patch.tiers?.thresholds },
    },
    rfm: { ...current.rfm, ...patch.rfm },
  });
}

function isAscending(bounds: TierCuts): boolean {
  return rankedTiers.every((tier, i) => i === 0 || bounds[rankedTiers[i - 1]] <= bounds[tier]);
}

function isDescending(bounds: TierCuts): boolean {
  return rankedTiers.every((tier, i) => i === 0 || bounds[rankedTiers[i - 1]] >= bounds[tier]);
}
