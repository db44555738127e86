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

module.exports = { projects };
