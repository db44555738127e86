// Guards for rules the site depends on: user text is only ever rendered as text, and nothing
// reaches for a third-party origin. A change that breaks one fails here with the file to fix.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const SRC = join(__dirname, '..', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const sources = files(SRC).map((p) => ({ file: relative(SRC, p), text: readFileSync(p, 'utf8') }));

describe('source policy', () => {
  it('has sources to check', () => {
    expect(sources.filter((s) => s.file.endsWith('.vue')).length).toBeGreaterThan(10);
  });

  it.each([
    ['v-html', /v-html/],
    ['innerHTML / outerHTML assignment', /\.(inner|outer)HTML\s*=/],
    ['insertAdjacentHTML', /insertAdjacentHTML/],
    ['document.write', /document\.write/],
    ['eval / new Function', /\beval\(|new Function\(/],
  ])('never uses %s', (_name, pattern) => {
    expect(sources.filter((s) => pattern.test(s.text)).map((s) => s.file)).toEqual([]);
  });

  it('loads nothing from another origin', () => {
    const external = /(src|href|url)\s*[=(:]\s*["'`]?https?:\/\//i;
    expect(sources.filter((s) => external.test(s.text)).map((s) => s.file)).toEqual([]);
  });
});
