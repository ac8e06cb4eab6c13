/**
 * Deciding a member's treatment: the offer rule for their value tier × churn cause, the A/B
 * variant by weight, and the holdout draw. Pure functions with the randomness passed in.
 */
import type { ContentVariant, OfferRule } from './campaign.model';

export interface Cell {
  tier: string;
  cause: string;
}

/** The first rule matching the cell, with its index; null when no rule applies (excluded). */
export function ruleFor(rules: OfferRule[], cell: Cell): { rule: OfferRule; index: number } | null {
  for (const [index, rule] of rules.entries()) {
    const tierMatches = rule.tiers.includes('*') || rule.tiers.includes(cell.tier);
    const causeMatches = rule.causes.includes('*') || rule.causes.includes(cell.cause);
    if (tierMatches && causeMatches) return { rule, index };
  }
  return null;
}

/** A variant picked in proportion to the weights; `draw` is uniform in [0, 1). */
export function pickVariant(variants: ContentVariant[], draw: number): ContentVariant | undefined {
  const total = variants.reduce((sum, variant) => sum + variant.weight, 0);
  let threshold = draw * total;
  for (const variant of variants) {
    threshold -= variant.weight;
    if (threshold < 0) return variant;
  }
  return variants[variants.length - 1];
}

export function inHoldout(holdoutPercent: number, draw: number): boolean {
  return draw * 100 < holdoutPercent;
}
