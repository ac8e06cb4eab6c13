/**
 * `classification.retrain`: retrains the churn-cause classifier from staff-confirmed labels when
 * enough new ones exist (queued by the review queue) and nightly (any new label suffices).
 */
import { retrain, type LabelsSource } from '../../src/modules/classification/training.service';
import type { JobDependencies } from '../types';

export interface RetrainPayload {
  reason?: 'nightly' | 'new-labels' | 'manual';
  /** For `new-labels`: how many labels since the active model make a retraining worthwhile. */
  minNewLabels?: number;
}

/** New labels that trigger a retraining outside the nightly run. */
export const defaultMinNewLabels = 50;

/** The handler, bound to where confirmed labels come from. */
export function classificationRetrain(labelsSource: LabelsSource) {
  return async (payload: RetrainPayload, deps: JobDependencies): Promise<void> => {
    const reason = payload.reason ?? 'nightly';
    const minNewLabels = reason === 'new-labels' ? (payload.minNewLabels ?? defaultMinNewLabels) : 1;
    const outcome = await retrain(deps.connection, { labelsSource, minNewLabels, reason });
    deps.logger.info({ reason, newLabels: outcome.newLabels, retrained: outcome.retrained, version: outcome.version?.version ?? null }, 'classifier retraining checked');
  };
}
