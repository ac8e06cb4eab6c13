/** `npm run cli -- classify`, run as an outside evaluation runs it: a separate process reading JSON lines. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { retrain } from '../../src/modules/classification/training.service';
import { createTestDatabase, type TestDatabase } from '../helpers/database';
import { databaseUriOf, runCli as runOurCli, type CliRun } from '../helpers/cli';

let db: TestDatabase;
let folder: string;

beforeAll(async () => {
  db = await createTestDatabase();
  folder = await mkdtemp(path.join(tmpdir(), 'classify-cli-'));
});

afterAll(async () => {
  await db.close();
  await rm(folder, { recursive: true, force: true });
});

async function inputFile(name: string, lines: string[]): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** Runs the CLI from the sources; the database is this test's, reached like the server does. */
function runCli(args: string[]): Promise<CliRun> {
  return runOurCli(args, { cwd: folder, env: { NODE_ENV: 'test', MONGODB_URI: databaseUriOf(db) } });
}

const parseLines = (text: string) =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('npm run cli -- classify', () => {
  it('when lines come with no database, then each gets a cause, and bad lines are reported on stderr without stopping', async () => {
    const file = await inputFile('comments.jsonl', [
      JSON.stringify({ id: 'a', text: 'Way too expensive, the price doubled', locale: 'en' }),
      'this is not json',
      JSON.stringify({ id: 'b', text: '我们搬到外地去了', locale: 'zh-CN' }),
      JSON.stringify({ id: 'c', locale: 'fr' }),
      JSON.stringify({ id: 'd', text: '', answers: [{ questionId: 'why', choiceCause: 'competitor' }] }),
      JSON.stringify({ id: 'e', text: 'The app crashes and support never answered', answers: ['product'] }),
    ]);

    const result = await runCli(['classify', '--input', file]);

    expect(result.code).toBe(0);
    const output = parseLines(result.stdout);
    expect(output.map((line) => [line.id, line.cause])).toEqual([
      ['a', 'price'],
      ['b', 'natural'],
      ['d', 'competitor'],
      ['e', 'product'],
    ]);
    expect(Object.keys(output[0]).sort()).toEqual(['cause', 'confidence', 'id', 'secondary']);
    expect(output[0].confidence).toBeGreaterThan(0.25);
    expect(output[2].confidence).toBeGreaterThan(0.5);
    const errors = parseLines(result.stderr);
    expect(errors).toEqual([
      { id: null, line: 2, error: 'not valid JSON' },
      { id: 'c', line: 4, error: expect.stringContaining('locale') },
    ]);
  });

  it('when --use-db is given and a model was trained, then the trained model classifies', async () => {
    const confirmedAt = new Date('2026-01-01');
    const labels = ['the garage gate never opens', 'garage gate stuck again', 'gate at the garage keeps failing', '车库道闸又坏了', '车库的道闸打不开', 'garage barrier broken for a week'].map(
      (text) => ({ text, cause: 'facilities', confirmedAt }),
    );
    await retrain(db.connection, { labelsSource: async () => labels, minNewLabels: 1, reason: 'manual' });
    const file = await inputFile('garage.jsonl', [JSON.stringify({ id: 'g', text: 'The garage gate is stuck, again' })]);

    const builtIn = await runCli(['classify', '--input', file]);
    const trained = await runCli(['classify', '--input', file, '--use-db']);

    expect(parseLines(builtIn.stdout)[0].cause).not.toBe('facilities');
    expect(trained.code).toBe(0);
    expect(parseLines(trained.stdout)).toEqual([expect.objectContaining({ id: 'g', cause: 'facilities', confidence: expect.any(Number) })]);
  });

  it('when --input is missing or the file does not exist, then it says so and exits non-zero', async () => {
    const missingOption = await runCli(['classify']);
    const missingFile = await runCli(['classify', '--input', path.join(folder, 'nope.jsonl')]);

    expect(missingOption.code).toBe(2);
    expect(missingOption.stderr).toContain('--input is required');
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toContain('ENOENT');
  });
});
