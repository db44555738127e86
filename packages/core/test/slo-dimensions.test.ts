import { join } from 'node:path';
import { loadSpecFilesSync, withDimensionValues } from '../src';

const ROOT = join(__dirname, '../../..');
const slos = loadSpecFilesSync([join(ROOT, 'slos')]).slos;

describe('withDimensionValues', () => {
  const availability = slos.find((s) => s.name === 'api-availability')!;

  it('replaces the placeholder of every metric of a ratio SLI by dimension name, leaving others alone', () => {
    const real = withDimensionValues(availability, { LoadBalancer: 'app/real/42', Unrelated: 'x' });
    const text = JSON.stringify(real.indicator);
    expect(text).toContain('"LoadBalancer":"app/real/42"');
    expect(text).not.toContain('app/goodgreets-api/0123456789abcdef');
    expect(text).not.toContain('Unrelated');
    // The spec's model is not mutated: both views can coexist.
    expect(JSON.stringify(availability.indicator)).toContain('app/goodgreets-api/0123456789abcdef');
  });

  it('returns the same SLO when there is nothing to replace', () => {
    expect(withDimensionValues(availability, {})).toBe(availability);
  });

  it('keeps non-CloudWatch sources as they are', () => {
    for (const slo of slos) {
      const out = withDimensionValues(slo, { LoadBalancer: 'app/real/42' });
      expect(out.name).toBe(slo.name);
      expect(out.objective).toBe(slo.objective);
      expect(out.indicator.kind).toBe(slo.indicator.kind);
    }
  });
});
