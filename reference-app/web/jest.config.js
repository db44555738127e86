// Component tests run under jsdom with .vue files compiled by jest/vue-transform.cjs. The
// end-to-end tests in test/e2e declare `@jest-environment node` and drive real Chromium.
const jestBase = require('../../jest.base');

const base = jestBase(__dirname);

module.exports = {
  ...base,
  testEnvironment: 'jsdom',
  testEnvironmentOptions: { customExportConditions: ['node', 'node-addons'] },
  setupFiles: ['<rootDir>/jest/setup-jsdom.cjs'],
  moduleFileExtensions: ['ts', 'js', 'vue', 'json', 'cjs', 'mjs'],
  transform: { ...base.transform, '^.+\\.vue$': '<rootDir>/jest/vue-transform.cjs' },
  moduleNameMapper: {
    ...base.moduleNameMapper,
    '\\.css$': '<rootDir>/jest/style-stub.cjs',
    '\\?worker$': '<rootDir>/jest/style-stub.cjs',
    '^altcha/external$': '<rootDir>/jest/altcha-stub.cjs',
  },
};
