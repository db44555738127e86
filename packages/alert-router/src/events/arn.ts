/** CloudWatch alarm ARNs: `arn:<partition>:cloudwatch:<region>:<account>:alarm:<name>`. */
export interface AlarmArnParts {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly alarmName: string;
}

const ALARM_ARN = /^arn:(aws[a-z-]*):cloudwatch:([a-z0-9-]+):(\d{12}):alarm:(.+)$/;

export function parseAlarmArn(arn: string): AlarmArnParts | undefined {
  const m = ALARM_ARN.exec(arn);
  return m ? { partition: m[1], region: m[2], accountId: m[3], alarmName: m[4] } : undefined;
}

function consoleHost(partition: string, region: string): string {
  return partition === 'aws-cn'
    ? `${region}.console.amazonaws.cn`
    : partition === 'aws-us-gov'
      ? `${region}.console.amazonaws-us-gov.com`
      : `${region}.console.aws.amazon.com`;
}

/** Alarm page in the CloudWatch console of the alarm's own region and partition. */
export function consoleAlarmUrl(parts: { partition: string; region: string; alarmName: string }): string {
  return `https://${consoleHost(parts.partition, parts.region)}/cloudwatch/home?region=${parts.region}#alarmsV2:alarm/${encodeURIComponent(parts.alarmName)}`;
}

/** A CloudWatch dashboard, in the alarm's region (dashboards are global, the console URL is not). */
export function consoleDashboardUrl(parts: { partition: string; region: string; dashboardName: string }): string {
  return `https://${consoleHost(parts.partition, parts.region)}/cloudwatch/home?region=${parts.region}#dashboards/dashboard/${encodeURIComponent(parts.dashboardName)}`;
}
