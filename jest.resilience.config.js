/** `npm run test:resilience`: the fault tests alone, at full size, one file at a time (they start
 *  processes and time their faults; two at once on two cores would disturb each other), then
 *  one summary table. `npm test` keeps jest.config.js and runs the same files bounded. */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/resilience'],
  maxWorkers: 1,
  globalSetup: '<rootDir>/test/resilience/summary-setup.js',
  globalTeardown: '<rootDir>/test/resilience/summary-report.js',
};
