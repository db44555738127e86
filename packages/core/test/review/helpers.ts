import { defaultBurnRatePolicy } from '../../src/math';
import type { BurnRatePolicy, Slo } from '../../src/model/slo';

/** A CloudWatch-free, Prometheus-free SLO for the pure review and simulation tests. */
export function makeSlo(over: Partial<Slo> & { policy?: BurnRatePolicy } = {}): Slo {
  const periodSeconds = over.period?.seconds ?? 30 * 86400;
  const { policy, ...rest } = over;
  return {
    name: 'availability',
    service: 'checkout',
    labels: {},
    objective: 0.999,
    period: { seconds: periodSeconds, rolling: true },
    budgetingMethod: 'Occurrences',
    indicator: {
      kind: 'ratio',
      bad: { type: 'Prometheus', query: 'sum(rate(errors_total[{{.window}}]))' },
      total: { type: 'Prometheus', query: 'sum(rate(requests_total[{{.window}}]))' },
    },
    alerting: {
      enabled: true,
      policy: policy ?? defaultBurnRatePolicy(periodSeconds),
      labels: {},
      annotations: {},
    },
    origin: { format: 'openslo', location: { file: 'slos/checkout.yaml', line: 1, col: 1, path: '' } },
    ...rest,
  };
}
