import { defaultBurnRatePolicy } from '../src/math';
import type { AlarmPolicy, MonitoredResource } from '../src/model/alarms';
import type { CloudWatchMetricStat, Indicator, Slo } from '../src/model/slo';

const loc = { file: 'specs/test.yaml', line: 1, col: 1, path: '' };

export function albMetric(metricName: string, statistic = 'Sum'): CloudWatchMetricStat {
  return {
    type: 'CloudWatch',
    kind: 'metric',
    namespace: 'AWS/ApplicationELB',
    metricName,
    dimensions: { LoadBalancer: 'app/gg/1' },
    statistic,
  };
}

export function slo(indicator: Indicator, extra: Partial<Slo> = {}): Slo {
  return {
    name: 'api-availability',
    service: 'goodgreets',
    labels: {},
    objective: 0.999,
    period: { seconds: 30 * 86400, rolling: true },
    budgetingMethod: 'Occurrences',
    indicator,
    alerting: { enabled: true, policy: defaultBurnRatePolicy(30 * 86400), labels: {}, annotations: {} },
    origin: { format: 'openslo', location: loc },
    ...extra,
  };
}

export const availabilitySlo = (name = 'api-availability'): Slo =>
  slo({ kind: 'ratio', bad: albMetric('HTTPCode_ELB_5XX_Count'), total: albMetric('RequestCount') }, { name });

export function resource(id: string, extra: Partial<MonitoredResource> = {}): MonitoredResource {
  return { id, dimensions: {}, properties: {}, overrides: {}, location: loc, ...extra };
}

export function policy(extra: Partial<AlarmPolicy>): AlarmPolicy {
  return { name: 'p', service: 'goodgreets', families: {}, defaults: {}, location: loc, ...extra };
}
