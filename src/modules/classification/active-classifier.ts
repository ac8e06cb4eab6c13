/**
 * The classifier the product runs: the active trained model from the database (or the built-in
 * one while none is trained), the review threshold from the settings, and only the causes a
 * customer record can carry and the taxonomy has not retired.
 *
 * Every survey comment is classified, so the result is kept per connection: read again after
 * 30 s, or at once after this process writes a model version, the settings or a cause (an admin
 * page, the retraining job in the same process). A rollback, a new threshold or a retired cause
 * made in another process (a separate worker) counts from at most 30 s later there.
 *
 * Reading checks the active version, the settings and the retired causes (three small reads);
 * a stored model is only gunzipped and parsed again when its version changed.
 */
import type { Connection } from 'mongoose';
import { ReadCache } from '../../shared/db/read-cache';
import { causeCodes, isCauseCode, type CauseCode } from '../customers/causes';
import { builtInTextModel, classifierWithModel } from './built-in';
import type { Classifier } from './classifier';
import { classifierModelModel } from './classifier-model.model';
import { loadActiveModel } from './classifier-model.service';
import type { ClassificationSettings } from './classification-settings';
import { loadClassificationSettings } from './classification-settings.store';
import { causeModel } from './taxonomy.model';
import type { TextModel } from './text-model';

export interface ActiveClassifier {
  classifier: Classifier;
  /** The trained version in use; null for the built-in model. */
  modelVersion: number | null;
  settings: ClassificationSettings;
  /** Causes a result may name: the customer record's causes minus retired ones. */
  allowedCauses: ReadonlySet<CauseCode>;
}

/** How long another process's change may go unseen here. */
const activeClassifierTtlMs = 30_000;

const activeClassifiers = new ReadCache<ActiveClassifier>({ ttlMs: activeClassifierTtlMs, dependsOn: ['ClassifierModel', 'ClassificationSettings', 'ChurnCause'] });

export function loadActiveClassifier(connection: Connection): Promise<ActiveClassifier> {
  return activeClassifiers.get(connection, () => readActiveClassifier(connection));
}

// ---------------------------------------------------------------------------------------------

async function readActiveClassifier(connection: Connection): Promise<ActiveClassifier> {
  const [active, settings, retired] = await Promise.all([
    classifierModelModel(connection).findOne({ active: true }, { version: 1, _id: 0 }).lean<{ version: number }>().exec(),
    loadClassificationSettings(connection),
    causeModel(connection).find({ retired: true }, { code: 1, _id: 0 }).lean<{ code: string }[]>().exec(),
  ]);
  const modelVersion = active?.version ?? null;
  const retiredCodes = retired.map((cause) => cause.code).filter(isCauseCode).sort();
  const keyOf = (version: number | null) => `${version}|${settings.reviewThreshold}|${retiredCodes.join(',')}`;

  const cached = lastBuilt.get(connection);
  if (cached?.key === keyOf(modelVersion)) return cached.active;

  const model = await modelFor(connection, modelVersion, cached);
  const allowedCauses = new Set<CauseCode>(causeCodes.filter((code) => !retiredCodes.includes(code)));
  const built: ActiveClassifier = {
    classifier: classifierWithModel(model.model, { reviewThreshold: settings.reviewThreshold }),
    modelVersion: model.version,
    settings,
    allowedCauses,
  };
  lastBuilt.set(connection, { key: keyOf(model.version), active: built, model });
  return built;
}

interface CachedClassifier {
  key: string;
  active: ActiveClassifier;
  model: { version: number | null; model: TextModel };
}

/** The classifier last built per connection, so an unchanged model is not parsed again. */
const lastBuilt = new WeakMap<Connection, CachedClassifier>();

/** The stored model of `version`, reusing the one already loaded; the built-in model for null. */
async function modelFor(connection: Connection, version: number | null, cached: CachedClassifier | undefined): Promise<{ version: number | null; model: TextModel }> {
  if (version === null) return { version: null, model: builtInTextModel() };
  if (cached?.model.version === version) return cached.model;
  // Activated between the two reads: take whatever is active now.
  const loaded = await loadActiveModel(connection);
  return loaded ?? { version: null, model: builtInTextModel() };
}
