/**
 * `npm run cli -- restore --in FILE [--force]`: replaces the database's contents with a backup
 * made by `backup`. The whole file is checked first (a damaged or cut-short file changes
 * nothing); a database that holds documents is only replaced with --force; and the app must be
 * stopped, since it would keep working on data that is swapped under it.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BackupFileError } from '../../shared/db/backup/backup-file';
import { BackupRefusedError, restoreBackup } from '../../shared/db/backup/backup';
import { CliDatabaseError, withDatabaseAsItIs } from '../database';
import type { CliCommand } from '../types';

const usage = 'usage: npm run cli -- restore --in FILE [--force]   (--force replaces a database that holds data)\n';

export const restoreCommand: CliCommand = {
  description: 'Replace the database with a backup file (checked first; --force to replace existing data)',

  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { in: { type: 'string' }, force: { type: 'boolean', default: false } } }));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n${usage}`);
      return 2;
    }
    if (!values.in) {
      process.stderr.write(`--in is required\n${usage}`);
      return 2;
    }
    const file = path.resolve(values.in);
    try {
      const { header, replacedDocuments } = await withDatabaseAsItIs(({ connection, runningAppPid }) => {
        if (runningAppPid !== undefined) {
          throw new BackupRefusedError(`The app (process ${runningAppPid}) is running on this data folder. Stop it first: a restore replaces the data under it.`);
        }
        return restoreBackup(connection.db!, file, { force: values.force });
      });
      process.stdout.write(
        `Restored the backup of "${header.database}" taken ${header.takenAt.toISOString()}: ${header.collections.length} collections, ` +
          `${header.documents} documents${replacedDocuments > 0 ? ` (replacing ${replacedDocuments} documents)` : ''}.\n`,
      );
      return 0;
    } catch (error) {
      if (error instanceof BackupFileError) {
        process.stderr.write(`Refused: ${error.message} Nothing was changed.\n`);
        return 1;
      }
      if (error instanceof BackupRefusedError || error instanceof CliDatabaseError) {
        process.stderr.write(`${error.message}\n`);
        return 1;
      }
      throw error;
    }
  },
};
