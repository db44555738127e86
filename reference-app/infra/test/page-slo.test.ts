/**
 * The page SLO (website-availability) counts the web app's pages and assets, never API calls: CloudFront
 * sees both, and an API failure is already the API SLOs' to count. The SLI's own metric math from
 * slos/goodgreets.yaml is evaluated (core's CloudWatch math evaluator) over minutes of traffic whose
 * CloudFront, target-group and load-balancer counts agree the way the deployment publishes them.
 */
import {
  evaluateMetricMath,
  loadSpecFilesSync,
  parseMetricMath,
  type CloudWatchSource,
  type MetricSource,
} from '@sre-kit/core';
import { SPEC_PATHS } from '../src/stacks/observability';

const specs = loadSpecFilesSync(SPEC_PATHS);
const page = specs.slos.find((s) => s.name === 'website-availability')!;
const api = specs.slos.find((s) => s.name === 'api-availability')!;

/** One minute at the edge: page/asset and API requests, and the 5XX of each (API ones by the targets or the ALB). */
interface Minute {
  readonly pages: number;
  readonly pages5xx: number;
  readonly apiCalls: number;
  readonly apiTarget5xx: number;
  readonly apiAlb5xx: number;
}

/** What each published metric reads in that minute (absent, like CloudWatch, when an ALB count is 0). */
function published(m: Minute, metricName: string): number | undefined {
  const requests = m.pages + m.apiCalls;
  const absentIfZero = (n: number) => (n === 0 ? undefined : n);
  switch (metricName) {
    case 'Requests':
      return requests;
    case '5xxErrorRate':
      return requests === 0 ? undefined : ((m.pages5xx + m.apiTarget5xx + m.apiAlb5xx) / requests) * 100;
    case 'RequestCount':
      // Requests given a target: an ALB-generated 5XX (no healthy target) had none.
      return absentIfZero(m.apiCalls - m.apiAlb5xx);
    case 'HTTPCode_Target_5XX_Count':
      return absentIfZero(m.apiTarget5xx);
    case 'HTTPCode_ELB_5XX_Count':
      return absentIfZero(m.apiAlb5xx);
    default:
      throw new Error(`the scenario does not publish ${metricName}`);
  }
}

function evaluate(source: MetricSource, m: Minute): number {
  const cw = source as CloudWatchSource;
  if (cw.type !== 'CloudWatch') throw new Error('a CloudWatch SLI was expected');
  if (cw.kind === 'metric') return published(m, cw.metricName) ?? 0;
  const value = evaluateMetricMath(parseMetricMath(cw.expression), {
    value: (id) => published(m, cw.metrics[id]!.metricName),
    periodOf: () => 60,
  });
  if (value === undefined) throw new Error(`${cw.expression}: no value`);
  return value;
}

const sli = (slo: typeof page, m: Minute) => {
  if (slo.indicator.kind !== 'ratio') throw new Error('a ratio SLI was expected');
  const { bad, total } = slo.indicator;
  return { bad: evaluate(bad!, m), total: evaluate(total, m) };
};

const close = (got: { bad: number; total: number }, want: { bad: number; total: number }) => {
  expect(got.bad).toBeCloseTo(want.bad, 6);
  expect(got.total).toBeCloseTo(want.total, 6);
};

describe('the page SLO keeps /api/* out', () => {
  it('an API outage (every call 5XX, from the tasks and from the ALB) costs the page SLO nothing', () => {
    const outage = { pages: 900, pages5xx: 0, apiCalls: 300, apiTarget5xx: 240, apiAlb5xx: 60 };
    close(sli(page, outage), { bad: 0, total: 900 });
    // ... while the API SLO counts every one of those failures as its own.
    expect(sli(api, outage).bad).toBe(300);
  });

  it('counts page and asset failures in full, whatever the API does', () => {
    close(sli(page, { pages: 1000, pages5xx: 25, apiCalls: 0, apiTarget5xx: 0, apiAlb5xx: 0 }), {
      bad: 25,
      total: 1000,
    });
    close(sli(page, { pages: 1000, pages5xx: 25, apiCalls: 500, apiTarget5xx: 10, apiAlb5xx: 0 }), {
      bad: 25,
      total: 1000,
    });
  });

  it('reads the API counts of the one target group CloudFront forwards to, not the load balancer’s direct hits', () => {
    const total = page.indicator.kind === 'ratio' ? (page.indicator.total as CloudWatchSource) : undefined;
    expect(total?.kind).toBe('expression');
    const metrics = total?.kind === 'expression' ? Object.values(total.metrics) : [];
    const alb = metrics.filter((m) => m.namespace === 'AWS/ApplicationELB');
    expect(alb.map((m) => [m.metricName, Object.keys(m.dimensions).sort()])).toEqual([
      ['RequestCount', ['LoadBalancer', 'TargetGroup']],
      ['HTTPCode_ELB_5XX_Count', ['LoadBalancer']],
    ]);
  });
});
