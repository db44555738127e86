import { join } from 'node:path';
import { loadSpecFilesSync, withDimensionValues, withPanelDimensionValues } from '../src';

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

describe('withPanelDimensionValues', () => {
  const panels = loadSpecFilesSync([join(ROOT, 'alarms')]).dashboardPanels;
  const edge = panels.find((g) => g.section.startsWith('CloudFront'))!;

  it('points the spec panels at the deployed resource, as the SLOs are', () => {
    const real = withPanelDimensionValues(edge, { DistributionId: 'E2REAL', Unrelated: 'x' });
    const text = JSON.stringify(real.widgets);
    expect(text).toContain('"DistributionId":"E2REAL"');
    expect(text).not.toContain('E0000000000000');
    // Dimensions not named (Region=Global) stay; the spec's group is not mutated.
    expect(text).toContain('"Region":"Global"');
    expect(JSON.stringify(edge.widgets)).toContain('E0000000000000');
  });
});
