// One `jest` at the root runs every package's suite (each package has its own jest.config.js).
const fs = require('node:fs');
const path = require('node:path');

const projects = ['packages', 'reference-app'].flatMap((group) => {
  const dir = path.join(__dirname, group);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((name) => fs.existsSync(path.join(dir, name, 'jest.config.js')))
    .map((name) => `<rootDir>/${group}/${name}/jest.config.js`);
});

// testTimeout is a global option when jest runs projects: the packages' own value applies only to a
// per-package run, so the root states it too (see jest.base.js for why it is long).
module.exports = { projects, testTimeout: 30_000 };
