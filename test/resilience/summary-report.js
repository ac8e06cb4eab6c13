/** Prints the rows the fault tests wrote to RESILIENCE_SUMMARY as one table, after the run. */
const fs = require('node:fs');

const columns = [
  ['test', 'test'],
  ['trials', 'trials'],
  ['sends', 'sends'],
  ['duplicates', 'duplicates'],
  ['losses', 'losses'],
  ['uncertain', 'uncertain'],
  ['acknowledgedWrites', 'acknowledged writes'],
  ['recovered', 'recovered'],
  ['note', 'note'],
];

module.exports = async () => {
  const file = process.env.RESILIENCE_SUMMARY;
  if (!file || !fs.existsSync(file)) return;
  const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
  const cells = rows.map((row) => columns.map(([key]) => (row[key] === undefined ? '–' : row[key] === true ? 'yes' : row[key] === false ? 'NO' : String(row[key]))));
  const widths = columns.map(([, title], i) => Math.max(title.length, ...cells.map((row) => row[i].length)));
  const line = (values) => `| ${values.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  const table = [line(columns.map(([, title]) => title)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)];
  process.stdout.write(`\nResilience summary (${rows.length} tests)\n${table.join('\n')}\n`);
};
