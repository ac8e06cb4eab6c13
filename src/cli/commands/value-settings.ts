/**
 * `npm run cli -- value settings [--set clv.discountRate=0.08 --set tiers.mode=absolute …]`:
 * shows the value-model settings, or changes them and recomputes every customer's value.
 */
import { parseArgs } from 'node:util';
import { ZodError } from 'zod';
import { valueSettingsPatchSchema, type ValueSettingsPatch } from '../../modules/customers/value/value-settings';
import { loadValueSettings, saveValueSettings } from '../../modules/customers/value/value-settings.store';
import { recomputeAllValues } from '../../modules/customers/value/value.service';
import { CliDatabaseError, withDatabase } from '../database';
import type { CliCommand } from '../types';

const usage = 'usage: npm run cli -- value settings [--set <path>=<value> …]   e.g. --set tiers.mode=absolute --set tiers.thresholds.VIP=50000\n';

export const valueSettingsCommand: CliCommand = {
  description: 'Show or change the value model (CLV, tiers, RFM thresholds); a change recomputes every customer',

  async run(args) {
    let patch: ValueSettingsPatch | undefined;
    try {
      const { values } = parseArgs({ args, options: { set: { type: 'string', multiple: true } } });
      patch = values.set ? valueSettingsPatchSchema.parse(patchFrom(values.set)) : undefined;
    } catch (error) {
      process.stderr.write(`${describe(error)}\n${usage}`);
      return 2;
    }
    try {
      await withDatabase(async ({ connection }) => {
        if (!patch) {
          process.stdout.write(`${JSON.stringify(await loadValueSettings(connection), null, 2)}\n`);
          return;
        }
        const saved = await saveValueSettings(connection, patch);
        const summary = await recomputeAllValues(connection);
        process.stdout.write(`${JSON.stringify(saved, null, 2)}\nRecomputed ${summary.customers} customers, ${summary.changed} changed.\n`);
      });
      return 0;
    } catch (error) {
      if (error instanceof ZodError || error instanceof CliDatabaseError) {
        process.stderr.write(`${describe(error)}\n`);
        return error instanceof ZodError ? 2 : 1;
      }
      throw error;
    }
  },
};

/** `["clv.discountRate=0.08", "tiers.mode=absolute"]` → `{clv: {discountRate: 0.08}, tiers: {mode: "absolute"}}`. */
export function patchFrom(assignments: string[]): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const assignment of assignments) {
    const [path, ...rest] = assignment.split('=');
    const raw = rest.join('=');
    if (!path || rest.length === 0) throw new Error(`--set ${assignment}: expected <path>=<value>`);
    const keys = path.split('.');
    let target = patch;
    for (const key of keys.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[keys[keys.length - 1]] = raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return patch;
}

function describe(error: unknown): string {
  if (error instanceof ZodError) return error.issues.map((issue) => `${issue.path.join('.') || 'settings'}: ${issue.message}`).join('\n');
  return error instanceof Error ? error.message : String(error);
}
