/**
 * The causes a segment definition names, checked against the stored taxonomy: a filter may name
 * a retired cause (old records carry it), not one the taxonomy never had. Used wherever a
 * definition is saved or run: saved segments, the builder's preview, campaign audiences.
 */
import type { Connection } from 'mongoose';
import { checkCauses, type CauseReference } from '../classification/known-causes';
import type { SegmentDefinition } from './segment.schemas';

/**
 * Throws a `CauseNotAllowedError` for every unknown cause, each named by its path in the input
 * (`prefix` + `groups.0.conditions.1.value.0`), so forms show it beside its condition.
 */
export async function checkSegmentCauses(connection: Connection, definition: SegmentDefinition, prefix = ''): Promise<void> {
  const references: CauseReference[] = [];
  definition.groups.forEach((group, g) =>
    group.conditions.forEach((condition, c) => {
      if (condition.field !== 'cause' && condition.field !== 'secondaryCause') return;
      condition.value.forEach((code, v) => references.push({ field: `${prefix}groups.${g}.conditions.${c}.value.${v}`, code }));
    }),
  );
  if (references.length > 0) await checkCauses(connection, references, 'filter');
}
