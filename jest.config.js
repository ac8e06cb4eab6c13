/** Jest runs the TypeScript sources through SWC. agenda 6 and its backends are ESM-only,
 *  so they are transformed too instead of being left to Node's require(esm). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(agenda|@agendajs|agendash)/)'],
  testTimeout: 30000,
  maxWorkers: 2,
};
