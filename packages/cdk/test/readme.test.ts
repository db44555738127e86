import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALARM_CATALOGUE } from '@sre-kit/core';

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');

test('the README maps every catalogue id to its construct', () => {
  const missing = ALARM_CATALOGUE.map((e) => e.id).filter((id) => !readme.includes(id));
  expect(missing).toEqual([]);
});

test('the README has no unfilled placeholders', () => {
  expect(readme).not.toMatch(/BENCH_FIGURES|placeholder/);
});
