/**
 * What an admin can tune about classification in the product: the confidence below which a
 * result goes to the review queue, and how many new staff labels make a retraining worthwhile.
 * Stored in the `settings` collection (classification-settings.store.ts).
 */
import { z } from 'zod';
import { defaultDecisionSettings } from './signal-combination';

export interface ClassificationSettings {
  /** Below this confidence the cause is `other` and the customer goes to the review queue. */
  reviewThreshold: number;
  /** Staff labels confirmed since the active model that trigger a retraining (besides the nightly one). */
  retrainAfterLabels: number;
}

export const defaultClassificationSettings: ClassificationSettings = {
  reviewThreshold: defaultDecisionSettings.reviewThreshold,
  retrainAfterLabels: 50,
};

/** The admin form: numbers arrive as text. */
export const classificationSettingsSchema = z
  .object({
    reviewThreshold: z.coerce
      .number({ error: 'classification:settings.error.threshold' })
      .min(0, 'classification:settings.error.threshold')
      .max(1, 'classification:settings.error.threshold'),
    retrainAfterLabels: z.coerce
      .number({ error: 'classification:settings.error.labels' })
      .int('classification:settings.error.labels')
      .min(1, 'classification:settings.error.labels')
      .max(100_000, 'classification:settings.error.labels'),
  })
  .strip();
