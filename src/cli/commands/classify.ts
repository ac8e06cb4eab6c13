/**
 * `npm run cli -- classify --input FILE.jsonl [--use-db]`: classifies exit comments, one JSON
 * object per line in (`{"id","text","locale"?,"answers"?}`), one per line out
 * (`{"id","cause","confidence","secondary"}`). Works with no database (the built-in model);
 * `--use-db` uses the active trained model and the review threshold set by an admin. A bad line
 * is reported on stderr and skipped.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadActiveClassifier } from '../../modules/classification/active-classifier';
import { builtInClassifier } from '../../modules/classification/built-in';
import { commentLineSchema } from '../../modules/classification/classification.schemas';
import { classifyComment, type Classifier } from '../../modules/classification/classifier';
import { CliDatabaseError, withDatabase } from '../database';
import type { CliCommand } from '../types';

const usage = 'usage: npm run cli -- classify --input FILE.jsonl [--use-db]\n';

export const classifyCommand: CliCommand = {
  description: 'Classify exit comments (JSON lines) into churn causes',

  async run(args) {
    let values;
    try {
      ({ values } = parseArgs({ args, options: { input: { type: 'string' }, 'use-db': { type: 'boolean', default: false } } }));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n${usage}`);
      return 2;
    }
    if (!values.input) {
      process.stderr.write(`--input is required\n${usage}`);
      return 2;
    }
    try {
      const classifier = values['use-db'] ? await classifierFromDatabase() : builtInClassifier();
      return await classifyFile(values.input, classifier);
    } catch (error) {
      if (error instanceof CliDatabaseError || (error as NodeJS.ErrnoException).code === 'ENOENT') {
        process.stderr.write(`${(error as Error).message}\n`);
        return 1;
      }
      throw error;
    }
  },
};

async function classifierFromDatabase(): Promise<Classifier> {
  const active = await withDatabase(({ connection }) => loadActiveClassifier(connection));
  if (active.modelVersion === null) process.stderr.write('no trained model in the database yet: using the built-in model\n');
  return active.classifier;
}

/** Streams the file line by line, so a large input never sits in memory at once. Exit 0 even with bad lines. */
async function classifyFile(file: string, classifier: Classifier): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let output = '';
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    output += classifyLine(line, lineNumber, classifier);
    // Written in chunks: one write per line would dominate the time for short comments.
    if (output.length > 64_000) {
      process.stdout.write(output);
      output = '';
    }
  }
  process.stdout.write(output);
  return 0;
}

function classifyLine(line: string, lineNumber: number, classifier: Classifier): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    reportBadLine(null, lineNumber, 'not valid JSON');
    return '';
  }
  const comment = commentLineSchema.safeParse(parsed);
  if (!comment.success) {
    const id = typeof (parsed as { id?: unknown })?.id === 'string' ? (parsed as { id: string }).id : null;
    reportBadLine(id, lineNumber, comment.error.issues.map((issue) => `${issue.path.join('.') || 'line'}: ${issue.message}`).join('; '));
    return '';
  }
  const { id, ...input } = comment.data;
  const result = classifyComment(classifier, input);
  return `${JSON.stringify({ id, cause: result.cause, confidence: result.confidence, secondary: result.secondary })}\n`;
}

function reportBadLine(id: string | null, lineNumber: number, error: string): void {
  process.stderr.write(`${JSON.stringify({ id, line: lineNumber, error })}\n`);
}
