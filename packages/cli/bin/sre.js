#!/usr/bin/env node
'use strict';
// A committed entry point: npm links a package's bin at install time, before anything is built, and
// links nothing when the bin names a file that is not there yet (dist/ on a fresh clone).
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const built = join(__dirname, '..', 'dist', 'bin.js');
if (!existsSync(built)) {
  process.stderr.write(
    'sre: @sre-kit/cli is not built yet (no dist/bin.js). In the sre-kit repository run `npm run build` once.\n',
  );
  process.exit(2);
}
require(built);
