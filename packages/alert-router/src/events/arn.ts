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

/** Alarm page in the CloudWatch console of the alarm's own region and partition. */
export function consoleAlarmUrl(parts: { partition: string; region: string; alarmName: string }): string {
  const host =
    parts.partition === 'aws-cn'
      ? `${parts.region}.console.amazonaws.cn`
      : parts.partition === 'aws-us-gov'
        ? `${parts.region}.console.amazonaws-us-gov.com`
        : `${parts.region}.console.aws.amazon.com`;
  return `https://${host}/cloudwatch/home?region=${parts.region}#alarmsV2:alarm/${encodeURIComponent(parts.alarmName)}`;
}
