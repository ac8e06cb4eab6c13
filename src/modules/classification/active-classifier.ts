/**
 * The classifier the product runs: the active trained model from the database (or the built-in
 * one while none is trained), the review threshold from the settings, and only the causes of the
 * taxonomy that are not retired (the built-ins and those admins added; a trained model predicts
 * an added cause once staff labels taught it).
 *
 * `loadActiveClassifier` checks the active version and the settings (two small reads), so bulk
 * runs and staff actions follow a change made a moment ago anywhere, and takes the causes from
 * the taxonomy the assignment checks use (known-causes.ts: at most 5 s old from another
 * process), so the classifier never names a cause staff could not set; a stored model is only
 * gunzipped and parsed again when its version changed.
 *
 * `recentActiveClassifier` serves the hot path, one call per survey comment: it keeps the result
 * per connection and reads again after 30 s, or at once after this process writes a model
 * version, the settings or a cause (an admin page, a retraining job run here). A rollback, a new
 * threshold or a retired cause made in another process (a separate worker) reaches survey
 * comments at most 30 s later there.
 */
import type { Connection } from 'mongoose';
import { ReadCache } from '../../shared/db/read-cache';
import type { CauseCode } from '../customers/causes';
import { builtInTextModel, classifierWithModel } from './built-in';
import type { Classifier } from './classifier';
import { classifierModelModel } from './classifier-model.model';
import { loadActiveModel } from './classifier-model.service';
import type { ClassificationSettings } from './classification-settings';
import { loadClassificationSettings } from './classification-settings.store';
import { knownCauses } from './known-causes';
import type { TextModel } from './text-model';

export interface ActiveClassifier {
  classifier: Classifier;
  /** The trained version in use; null for the built-in model. */
  modelVersion: number | null;
  settings: ClassificationSettings;
  /** Causes a result may name: the taxonomy's causes minus retired ones. */
  allowedCauses: ReadonlySet<CauseCode>;
}

export async function loadActiveClassifier(connection: Connection): Promise<ActiveClassifier> {
  const [active, settings, taxonomy] = await Promise.all([
    classifierModelModel(connection).findOne({ active: true }, { version: 1, _id: 0 }).lean<{ version: number }>().exec(),
    loadClassificationSettings(connection),
    knownCauses(connection),
  ]);
  const modelVersion = active?.version ?? null;
  // The same causes staff may assign (built-ins and added ones, minus retired), sorted for the cache key.
  const allowedCodes = taxonomy.active.map((cause) => cause.code).sort();
  const keyOf = (version: number | null) => `${version}|${settings.reviewThreshold}|${allowedCodes.join(',')}`;

  const cached = lastBuilt.get(connection);
  if (cached?.key === keyOf(modelVersion)) return cached.active;

  const model = await modelFor(connection, modelVersion, cached);
  const allowedCauses = new Set<CauseCode>(allowedCodes);
  const built: ActiveClassifier = {
    classifier: classifierWithModel(model.model, { reviewThreshold: settings.reviewThreshold }),
    modelVersion: model.version,
    settings,
    allowedCauses,
  };
  lastBuilt.set(connection, { key: keyOf(model.version), active: built, model });
  return built;
}

/** How long another process's change may go unseen by `recentActiveClassifier`. */
const recentForMs = 30_000;

const recentClassifiers = new ReadCache<ActiveClassifier>({ ttlMs: recentForMs, dependsOn: ['ClassifierModel', 'ClassificationSettings', 'ChurnCause'] });

export function recentActiveClassifier(connection: Connection): Promise<ActiveClassifier> {
  return recentClassifiers.get(connection, () => loadActiveClassifier(connection));
}

// ---------------------------------------------------------------------------------------------

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
