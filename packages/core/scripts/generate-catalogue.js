#!/usr/bin/env node
// Writes packages/core/CATALOGUE.md from the catalogue data (build core first: npx tsc -b packages/core).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { catalogueMarkdown } = require('../dist/catalogue/markdown');

const target = join(__dirname, '..', 'CATALOGUE.md');
writeFileSync(target, catalogueMarkdown());
process.stdout.write(`wrote ${target}\n`);
