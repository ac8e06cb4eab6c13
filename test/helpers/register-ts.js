/**
 * Lets a child `node` process run the TypeScript sources directly, compiled in memory by SWC the
 * way jest compiles them (types stripped, CommonJS out), so end-to-end tests start the real
 * server without a build step:  node -r ./test/helpers/register-ts.js src/server.ts
 */
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    sourceMaps: 'inline',
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
