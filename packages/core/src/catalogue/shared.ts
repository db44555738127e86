import type { CatalogueAlarm, CatalogueMetric } from '../model/alarms';

/** The AWS best-practice list every entry cites unless it says otherwise. */
export const AWS_RECOMMENDED =
  'AWS CloudWatch "Recommended alarms" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Best_Practice_Recommended_Alarms_AWS_Services.html)';

export const NO_TRAFFIC_NOT_BREACHING =
  'the metric is only published when there are requests/invocations; no data means no traffic, not failure';

export const GAUGE_MISSING =
  'the service publishes this continuously; a gap means the resource is not reporting, which is shown as INSUFFICIENT_DATA rather than guessed';

export function metric(
  namespace: string,
  metricName: string,
  dimensionNames: readonly string[],
  statistic: string,
): CatalogueMetric {
  return { namespace, metricName, dimensionNames, statistic };
}

/** Defaults most entries share; each entry states everything else. */
export function alarm(
  entry: Omit<CatalogueAlarm, 'periodSeconds' | 'enabledByDefault' | 'source'> &
    Partial<Pick<CatalogueAlarm, 'periodSeconds' | 'enabledByDefault' | 'source'>>,
): CatalogueAlarm {
  return { periodSeconds: 60, enabledByDefault: true, source: AWS_RECOMMENDED, ...entry };
}
