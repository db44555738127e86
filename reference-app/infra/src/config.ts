/**
 * Deployment settings. Every value has a default so that `npm run synth` works offline on a
 * fresh clone; a real deployment overrides them with CDK context (`-c key=value` or cdk.json).
 */
import type { Node } from 'constructs';

export interface GoodGreetsConfig {
  /** Prefix of every physical name the app chooses (schedule group, log groups, dashboards). */
  readonly appName: string;
  /**
   * The site's public domain: share links, email links and image URLs are built from it, and the
   * distribution answers for it when a certificate is given. Known at synth time, so the API and
   * the delivery function need no reference to the edge stack (which itself depends on the API).
   */
  readonly siteDomain: string;
  /** ACM certificate (us-east-1) for siteDomain; without it the distribution uses its own domain name. */
  readonly siteCertificateArn?: string;
  /** Domain the delivery emails come from; SES must verify it (DNS records printed at deploy). */
  readonly mailDomain: string;
  /** Address that receives critical alerts by email. */
  readonly alertEmail: string;
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
    siteDomain: get('goodgreets:siteDomain') ?? 'goodgreets.example.com',
    siteCertificateArn: get('goodgreets:siteCertificateArn'),
    mailDomain: get('goodgreets:mailDomain') ?? 'goodgreets.example.com',
    alertEmail: get('goodgreets:alertEmail') ?? 'oncall@goodgreets.example.com',
    albCertificateArn: get('goodgreets:albCertificateArn'),
    cloudWatchAgentImage:
      get('goodgreets:cloudWatchAgentImage') ?? 'public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest',
  };
}
