/**
 * `npm run cli -- import customers --file F [--mapping telco|generic] [--source S] [--json]`:
 * imports a customer CSV and prints the report (created, updated, unchanged, rejected rows
 * with their lines). Progress goes to stderr for files of any size.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { importCustomers, ImportFileError, type ImportReport } from '../../modules/customers/import/customer-import';
import { mappingNamed, mappingNames } from '../../modules/customers/import/mappings';
import { CliDatabaseError, withDatabase } from '../database';
import type { CliCommand } from '../types';

const usage = `usage: npm run cli -- import customers --file <file.csv> [--mapping ${mappingNames.join('|')}] [--source <name>] [--json]\n`;

export const importCustomersCommand: CliCommand = {
  description: 'Import customers from a CSV file (upsert by source and external id)',

  async run(args) {
    const options = readOptions(args);
    if (typeof options === 'string') {
      process.stderr.write(`${options}\n${usage}`);
      return 2;
    }
    const size = await stat(options.file).then(
      (file) => (file.isFile() ? file.size : undefined),
      () => undefined,
    );
    if (size === undefined) {
      process.stderr.write(`No such file: ${options.file}\n`);
      return 2;
    }

    try {
      const report = await withDatabase(({ connection }) =>
        importCustomers(connection, createReadStream(options.file), {
          mapping: options.mapping,
          source: options.source,
          importedBy: 'cli import',
          onProgress: ({ rows, bytes }) => process.stderr.write(`\r${rows} rows read (${Math.round((100 * bytes) / Math.max(size, 1))}%)`),
        }),
      );
      process.stderr.write('\n');
      process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : describeReport(report));
      return 0;
    } catch (error) {
      if (error instanceof ImportFileError || error instanceof CliDatabaseError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

/** The report as an operator reads it. */
export function describeReport(report: ImportReport): string {
  const lines = [
    `Imported ${report.rows} rows with the ${report.mapping} mapping into source "${report.source}" in ${(report.durationMs / 1000).toFixed(1)} s:`,
    ...(report.stoppedAt ? [`  STOPPED at line ${report.stoppedAt.line}: the file could not be read from there on (${report.stoppedAt.reason}); the rows before it are imported.`] : []),
    `  created   ${report.created}`,
    `  updated   ${report.updated}`,
    `  unchanged ${report.unchanged}`,
    `  rejected  ${report.rejected}`,
  ];
  const causes = Object.entries(report.causes).sort(([, a], [, b]) => b - a);
  if (causes.length > 0) lines.push(`Causes: ${causes.map(([cause, count]) => `${cause} ${count}`).join(', ')}`);
  if (report.rejections.length > 0) {
    lines.push('Rejected rows:');
    for (const row of report.rejections) lines.push(`  line ${row.line}${row.externalId ? ` (${row.externalId})` : ''}: ${row.reasons.join('; ')}`);
    if (report.rejectionsTruncated) lines.push(`  … and ${report.rejected - report.rejections.length} more`);
  }
  return `${lines.join('\n')}\n`;
}

function readOptions(args: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: { file: { type: 'string' }, mapping: { type: 'string', default: 'generic' }, source: { type: 'string' }, json: { type: 'boolean', default: false } },
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (!values.file) return 'Missing --file.';
  const mapping = mappingNamed(values.mapping);
  if (!mapping) return `Unknown mapping "${values.mapping}"; expected one of ${mappingNames.join(', ')}.`;
  if (values.source !== undefined && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(values.source)) return 'The --source must be lowercase letters, digits, - or _.';
  return { file: values.file, mapping, source: values.source, json: values.json };
}
