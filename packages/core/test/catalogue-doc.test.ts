import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALARM_CATALOGUE, catalogueMarkdown } from '../src/catalogue';

describe('CATALOGUE.md', () => {
  it('matches the catalogue data (regenerate: npx tsc -b packages/core && node packages/core/scripts/generate-catalogue.js)', () => {
    const onDisk = readFileSync(join(__dirname, '..', 'CATALOGUE.md'), 'utf8');
    expect(onDisk).toBe(catalogueMarkdown());
  });

  it('lists every entry once in a table row and once as a section', () => {
    const doc = catalogueMarkdown();
    for (const e of ALARM_CATALOGUE) {
      expect(doc.split(`| \`${e.id}\` |`)).toHaveLength(2);
      expect(doc).toContain(`### \`${e.id}\`: ${e.title}`);
    }
  });
});
