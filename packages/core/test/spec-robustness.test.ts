import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { loadSpecTexts } from '../src/spec';

const ROOT = join(__dirname, '../../..');
const REFERENCE = ['slos/goodgreets.yaml', 'slos/delivery.yaml', 'alarms/goodgreets.yaml', 'alarms/routing.yaml'].map(
  (file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }),
);

/** Every diagnostic must point inside the file it names. */
function expectLocated(text: string, file: string) {
  const lines = text.split('\n').length;
  const { diagnostics } = loadSpecTexts([{ file, text }]);
  for (const d of diagnostics) {
    expect(d.file).toBe(file);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.line).toBeLessThanOrEqual(lines);
    expect(d.col).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
  return diagnostics;
}

describe('robustness', () => {
  it('any reference spec with lines deleted loads without throwing and every problem is located', () => {
    fc.assert(
      fc.property(fc.constantFrom(...REFERENCE), fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), (ref, picks) => {
        const lines = ref.text.split('\n');
        const drop = new Set(picks.map((p) => p % lines.length));
        expectLocated(lines.filter((_, i) => !drop.has(i)).join('\n'), ref.file);
      }),
      { numRuns: 80 },
    );
  });

  it('arbitrary YAML values under spec-like headers load without throwing', () => {
    const header = fc.constantFrom(
      { apiVersion: 'openslo/v1', kind: 'SLO' },
      { apiVersion: 'openslo/v1', kind: 'SLI' },
      { apiVersion: 'openslo/v1', kind: 'AlertPolicy' },
      { apiVersion: 'sre-kit/v1', kind: 'AlarmPolicy' },
      { apiVersion: 'sre-kit/v1', kind: 'AlertRouting' },
      { apiVersion: 'sloth.slok.dev/v1', kind: 'AlertWindows' },
      { version: 'prometheus/v1' },
    );
    fc.assert(
      fc.property(header, fc.jsonValue(), fc.jsonValue(), (head, metadata, spec) => {
        const text = stringify({ ...head, metadata, spec, slos: spec, service: metadata });
        expectLocated(text, 'fuzz.yaml');
      }),
      { numRuns: 150 },
    );
  });

  it('deleting the objective of a reference SLO is reported, not thrown', () => {
    const ref = REFERENCE[0];
    const text = ref.text.replace('      target: 0.999\n', '');
    const diagnostics = expectLocated(text, ref.file);
    expect(diagnostics.map((d) => d.message)).toContain('missing target (a ratio such as 0.999) or targetPercent');
  });
});
