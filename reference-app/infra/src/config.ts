/**
 * Deployment settings. Every value has a default so that `npm run synth` works offline on a
 * fresh clone; a real deployment overrides them with CDK context (`-c key=value` or cdk.json).
 */
import type { Node } from 'constructs';

export interface GoodGreetsConfig {
  /** Prefix of every physical name the app chooses (schedule group, log groups, dashboards). */
  readonly appName: string;
  /** Domain the delivery emails come from; SES must verify it (DNS records printed at deploy). */
  readonly mailDomain: string;
  /** Address that receives critical alerts by email. */
  readonly alertEmail: string;
  /** Secrets Manager name of the Slack incoming-webhook URLs (JSON: {"page": url, "team": url}). */
  readonly slackWebhookSecretName: string;
  /** ALB listener certificate; without it CloudFront reaches the ALB over HTTP with a shared secret header. */
  readonly albCertificateArn?: string;
  /** CloudWatch agent image of the API's metrics sidecar; pin a tested tag in production. */
  readonly cloudWatchAgentImage: string;
}

export function readConfig(node: Node): GoodGreetsConfig {
  const get = (key: string): string | undefined => {
    const value = node.tryGetContext(key) as unknown;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  return {
    appName: get('goodgreets:appName') ?? 'goodgreets',
    mailDomain: get('goodgreets:mailDomain') ?? 'goodgreets.example.com',
    alertEmail: get('goodgreets:alertEmail') ?? 'oncall@goodgreets.example.com',
    slackWebhookSecretName: get('goodgreets:slackWebhookSecret') ?? 'goodgreets/slack-webhooks',
    albCertificateArn: get('goodgreets:albCertificateArn'),
    cloudWatchAgentImage:
      get('goodgreets:cloudWatchAgentImage') ?? 'public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest',
  };
}
