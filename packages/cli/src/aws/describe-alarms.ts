/** DescribeAlarms, paginated (NextToken) and backed off, per alarm-name prefix. */
import {
  DescribeAlarmsCommand,
  type CloudWatchClient,
  type CompositeAlarm,
  type DescribeAlarmsCommandOutput,
  type MetricAlarm,
} from '@aws-sdk/client-cloudwatch';
import { withBackoff, type RetryOptions } from '@sre-kit/alert-router';

export interface DescribedAlarms {
  readonly metricAlarms: MetricAlarm[];
  readonly compositeAlarms: CompositeAlarm[];
  calls: number;
}

export async function describeAlarms(
  client: Pick<CloudWatchClient, 'send'>,
  prefixes: readonly string[],
  options: RetryOptions = {},
): Promise<DescribedAlarms> {
  const out: DescribedAlarms = { metricAlarms: [], compositeAlarms: [], calls: 0 };
  for (const prefix of prefixes) {
    let nextToken: string | undefined;
    do {
      const input = {
        AlarmNamePrefix: prefix,
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] as ('MetricAlarm' | 'CompositeAlarm')[],
        MaxRecords: 100,
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
      const { value } = await withBackoff(
        () => client.send(new DescribeAlarmsCommand(input)) as Promise<DescribeAlarmsCommandOutput>,
        options,
      );
      out.calls++;
      out.metricAlarms.push(...(value.MetricAlarms ?? []));
      out.compositeAlarms.push(...(value.CompositeAlarms ?? []));
      nextToken = value.NextToken;
    } while (nextToken);
  }
  return out;
}
