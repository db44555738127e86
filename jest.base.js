// Shared by every package's jest.config.js. Tests import sibling packages from
// their TypeScript sources (moduleNameMapper) so `jest` never needs a build,
// and @swc/jest strips types fast; type checking is `npm run build` (tsc -b).
const path = require('node:path');

const root = __dirname;

/** @param {string} dir the package folder (its jest.config.js __dirname) */
module.exports = function jestBase(dir, extra = {}) {
  return {
    displayName: path.relative(root, dir),
    rootDir: dir,
    testEnvironment: 'node',
    // Speed is measured by the benches, not by timeouts: on a busy 2-core machine the first test of
    // a suite pays for compiling .vue files or synthesizing a stack, which can take well over 5 s.
    testTimeout: 30_000,
    testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/src/**/*.test.ts'],
    transform: {
      '^.+\\.(t|j)sx?$': [
        '@swc/jest',
        { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
      ],
    },
    // `npm run synth` leaves cdk.out/asset.* folders holding copies of the workspace's package.json files,
    // which jest's module map would otherwise find twice (a duplicate @sre-kit/core, and no test runs).
    modulePathIgnorePatterns: ['/cdk\\.out/'],
    moduleNameMapper: {
      '^@sre-kit/(core|cdk|grafana|alert-router|cli)$': `${root}/packages/$1/src/index.ts`,
    },
    ...extra,
  };
};
