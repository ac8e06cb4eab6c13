/**
 * `npm run cli -- backup --out FILE [--force]`: a point-in-time backup of the app's embedded
 * database, taken while the app runs (it reaches the app's database server) or while it is
 * stopped (it opens the data folder). A real MongoDB (MONGODB_URI) is refused with `mongodump`
 * advice. The file format is described in src/shared/db/backup/backup-file.ts.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupRefusedError, takeBackup } from '../../shared/db/backup/backup';
import { CliDatabaseError, withDatabaseAsItIs } from '../database';
import type { CliCommand } from '../types';

const usage = 'usage: npm run cli -- backup --out FILE [--force]   (--force replaces an existing FILE)\n';

export const backupCommand: CliCommand = {
  description: 'Write a point-in-time backup of the database to a file (gzip, one JSON document per line)',

  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { out: { type: 'string' }, force: { type: 'boolean', default: false } } }));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n${usage}`);
      return 2;
    }
    if (!values.out) {
      process.stderr.write(`--out is required\n${usage}`);
      return 2;
    }
    const file = path.resolve(values.out);
    try {
      const { header, bytes } = await withDatabaseAsItIs(({ connection }) => takeBackup(connection.db!, file, { overwrite: values.force }));
      process.stdout.write(
        `Backed up database "${header.database}" as of ${header.takenAt.toISOString()}: ${header.collections.length} collections, ` +
          `${header.documents} documents, to ${file} (${formatBytes(bytes)}).\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof BackupRefusedError || error instanceof CliDatabaseError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
