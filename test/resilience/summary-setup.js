/** Starts the resilience summary file afresh for this run (RESILIENCE_SUMMARY, see summary.ts). */
const fs = require('node:fs');
const path = require('node:path');

module.exports = async () => {
  const file = process.env.RESILIENCE_SUMMARY;
  if (!file) return;
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, '');
};
