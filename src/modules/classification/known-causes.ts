/**
 * The cause taxonomy as the rest of the product checks against it. Request schemas only check
 * a cause code's shape; the services that assign a cause or filter by one ask here whether it
 * exists:
 *
 * - assigning (staff override, review queue, interview, events API and PATCH, import rows,
 *   survey choices, campaign offer cells) needs an ACTIVE cause;
 * - filtering and reporting (segments, customer lists, exports) also accept a retired one, since
 *   old records carry it.
 *
 * An unknown or refused cause is a `CauseNotAllowedError`: a 400 naming the field and the reason
 * (`unknown cause "xyz"`), thrown before anything is written. Its `formErrors` are translation
 * keys for the module's own forms.
 *
 * The eight built-in causes are known even before the stored taxonomy is seeded (it is seeded
 * when an admin first opens the taxonomy page); a stored document overrides a built-in's labels
 * and retired flag, and adds the admins' own causes.
 */
import type { Connection } from 'mongoose';
import { ReadCache } from '../../shared/db/read-cache';
import { ValidationError } from '../../shared/errors';
import type { FieldErrors } from '../../shared/http/forms';
import type { Locale } from '../../shared/i18n';
import { builtInCauseCodes, builtInCauses, isBuiltInCauseCode, type Recoverability } from '../customers/causes';
import { causeModel, type Bilingual } from './taxonomy.model';

export interface TaxonomyCause {
  code: string;
  labels: Bilingual;
  recoverable: Recoverability;
  retired: boolean;
  builtIn: boolean;
}

/** What a cause is used for: assigning one needs it active; filtering also accepts a retired one. */
export type CauseUse = 'assign' | 'filter';

/** Every cause of the taxonomy, in report order: the built-ins first, then the added ones by age. */
export class KnownCauses {
  private readonly byCode: ReadonlyMap<string, TaxonomyCause>;

  constructor(readonly all: readonly TaxonomyCause[]) {
    this.byCode = new Map(all.map((cause) => [cause.code, cause]));
  }

  /** Only the built-in causes, as a fresh installation knows them (no database needed). */
  static builtIn(): KnownCauses {
    return fromStored([]);
  }

  /** The causes that may be assigned: pickers offer these. */
  get active(): TaxonomyCause[] {
    return this.all.filter((cause) => !cause.retired);
  }

  find(code: string | undefined): TaxonomyCause | undefined {
    return code === undefined ? undefined : this.byCode.get(code);
  }

  isActive(code: string): boolean {
    return this.find(code)?.retired === false;
  }

  /** The cause's name in `locale` (an admin's rename wins); the code itself for an unknown one. */
  label(code: string, locale: Locale): string {
    return this.find(code)?.labels[locale] ?? code;
  }

  /** Why `code` cannot be used so, or null when it can. */
  problemWith(code: string, use: CauseUse): CauseProblem['kind'] | null {
    const cause = this.find(code);
    if (!cause) return 'unknown';
    return use === 'assign' && cause.retired ? 'retired' : null;
  }
}

/** How long a change made by another process may go unseen here (this process's own writes show at once). */
export const knownCausesStaleForMs = 5_000;

// Invalidated at once by any write through the ChurnCause model in this process (add, rename,
// retire, restore: countWrites in taxonomy.model.ts). An admin's change made in another process
// (a separate web or worker process) reaches this one within `knownCausesStaleForMs`: until
// then a just-added cause may be refused there, and a just-retired one still accepted.
const cache = new ReadCache<KnownCauses>({ ttlMs: knownCausesStaleForMs, dependsOn: ['ChurnCause'] });

/** The taxonomy, read at most every few seconds per connection (see `knownCausesStaleForMs`). */
export function knownCauses(connection: Connection): Promise<KnownCauses> {
  return cache.get(connection, async () => {
    const stored = await causeModel(connection)
      .find({}, { code: 1, labels: 1, recoverable: 1, retired: 1, builtIn: 1, _id: 0 })
      .sort({ createdAt: 1, code: 1 })
      .lean<TaxonomyCause[]>()
      .exec();
    return fromStored(stored);
  });
}

// ---------------------------------------------------------------------------------------------

export interface CauseReference {
  /** Where the cause was given, as a dotted path (`cause.code`, `offers.0.causes.1`). */
  field: string;
  code: string | undefined | null;
}

export interface CauseProblem {
  field: string;
  code: string;
  kind: 'unknown' | 'retired';
  /** In English, for API clients: `unknown cause "xyz"`. */
  reason: string;
}

/** Translation keys forms show beside a refused cause. */
const formKeys: Record<CauseProblem['kind'], string> = { unknown: 'classification:cause.error.unknown', retired: 'classification:cause.error.retired' };

export class CauseNotAllowedError extends ValidationError {
  constructor(readonly problems: readonly CauseProblem[]) {
    super(problems.map(({ field, reason }) => ({ field, reason })));
  }

  /** The problems as a form shows them: a translation key per field. */
  get formErrors(): FieldErrors {
    return Object.fromEntries(this.problems.map((problem) => [problem.field, formKeys[problem.kind]]));
  }
}

export interface CauseCheckOptions {
  /**
   * Codes accepted whatever their state, e.g. the causes a record being edited already carries:
   * a cause retired since stays on the record it was given to.
   */
  alreadyThere?: Iterable<string>;
}

/** The references that cannot be used so; missing codes are skipped. */
export function causeProblems(known: KnownCauses, references: readonly CauseReference[], use: CauseUse, options: CauseCheckOptions = {}): CauseProblem[] {
  const keep = new Set(options.alreadyThere ?? []);
  const problems: CauseProblem[] = [];
  for (const { field, code } of references) {
    if (code === undefined || code === null) continue;
    const kind = known.problemWith(code, use);
    if (kind === null || (kind === 'retired' && keep.has(code))) continue;
    problems.push({ field, code, kind, reason: kind === 'unknown' ? `unknown cause "${code}"` : `cause "${code}" is retired and can no longer be assigned` });
  }
  return problems;
}

/** Throws a `CauseNotAllowedError` naming every reference that cannot be used so; returns the taxonomy read. */
export async function checkCauses(connection: Connection, references: readonly CauseReference[], use: CauseUse, options: CauseCheckOptions = {}): Promise<KnownCauses> {
  const known = await knownCauses(connection);
  const problems = causeProblems(known, references, use, options);
  if (problems.length > 0) throw new CauseNotAllowedError(problems);
  return known;
}

function fromStored(stored: readonly TaxonomyCause[]): KnownCauses {
  const storedByCode = new Map(stored.map((cause) => [cause.code, cause]));
  const builtIns = builtInCauseCodes.map((code): TaxonomyCause => {
    const saved = storedByCode.get(code);
    const defaults = builtInCauses[code];
    return { code, labels: saved?.labels ?? defaults.label, recoverable: saved?.recoverable ?? defaults.recoverable, retired: saved?.retired ?? false, builtIn: true };
  });
  const added = stored
    .filter((cause) => !isBuiltInCauseCode(cause.code))
    .map((cause): TaxonomyCause => ({ code: cause.code, labels: cause.labels, recoverable: cause.recoverable, retired: cause.retired === true, builtIn: false }));
  return new KnownCauses([...builtIns, ...added]);
}
