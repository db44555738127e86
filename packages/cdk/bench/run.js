// `npm run bench`: runs bench.ts from source. TypeScript is stripped by @swc/core (a root dev
// dependency, also used by jest), and @sre-kit/* resolve to their src/ like in the tests.
const Module = require('node:module');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const packages = join(__dirname, '..', '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@sre-kit\/(core|cdk)$/.exec(request);
  return resolve.call(this, m ? join(packages, m[1], 'src', 'index.ts') : request, ...rest);
};
require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
require('./bench.ts');
