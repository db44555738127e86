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
  /**
   * ACM certificate (us-east-1) for siteDomain. Required: viewers get TLS 1.2+ (TLSv1.2_2021) only
   * with a custom certificate; CloudFront's default one allows TLS 1.0.
   */
  readonly siteCertificateArn?: string;
  /** Domain the delivery emails come from; SES must verify it (DNS records printed at deploy). */
  readonly mailDomain: string;
  /** Address that receives critical alerts by email. */
  readonly alertEmail: string;
  /** ALB listener certificate (HTTPS, a TLS 1.2+ policy). Required: owner and share tokens cross this leg. */
  readonly albCertificateArn?: string;
  /**
   * The name CloudFront connects to the ALB by, covered by albCertificateArn (CloudFront checks the
   * origin's certificate against it); a DNS record points it at the ALB (output AlbDnsName).
   */
  readonly albDomain?: string;
  /**
   * goodgreets:insecureDevelopment=true: a development deployment without certificates, where
   * CloudFront serves its default certificate and reaches the ALB over plain HTTP. Never for
   * real users: owner and share tokens, emails and messages would cross the internet unencrypted.
   */
  readonly insecureDevelopment: boolean;
  /** CloudWatch agent image of the API's metrics sidecar; pin a tested tag in production. */
  readonly cloudWatchAgentImage: string;
}

/**
 * Placeholder certificates (AWS's documentation account 111111111111) and origin name, so that
 * `npm run synth` (`node dist/main.js --example-context`) synthesizes the secure app offline. A
 * deployment with them fails at CloudFormation (no such certificate), never insecurely.
 */
export const EXAMPLE_CONTEXT: Readonly<Record<string, string>> = {
  'goodgreets:siteCertificateArn':
    'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000001',
  'goodgreets:albCertificateArn': 'arn:aws:acm:us-east-1:111111111111:certificate/00000000-0000-4000-8000-000000000002',
  'goodgreets:albDomain': 'origin.goodgreets.example.com',
};

const ACM_ARN = /^arn:aws[a-z-]*:acm:([a-z0-9-]+):\d{12}:certificate\/[A-Za-z0-9-]+$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function readConfig(node: Node): GoodGreetsConfig {
  const get = (key: string): string | undefined => {
    const value = node.tryGetContext(key) as unknown;
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const insecureDevelopment = get('goodgreets:insecureDevelopment') === 'true';
  const siteCertificateArn = get('goodgreets:siteCertificateArn');
  const albCertificateArn = get('goodgreets:albCertificateArn');
  const albDomain = get('goodgreets:albDomain');
  const problems: string[] = [];
  if (!insecureDevelopment) {
    const missing = Object.entries({ siteCertificateArn, albCertificateArn, albDomain })
      .filter(([, v]) => v === undefined)
      .map(([k]) => `goodgreets:${k}`);
    if (missing.length)
      problems.push(
        `${missing.join(', ')} missing: GoodGreets serves TLS end to end and needs ACM certificates for the site ` +
          '(us-east-1, for CloudFront) and the ALB, and the ALB name the latter covers. Pass them with ' +
          '-c goodgreets:siteCertificateArn=arn:aws:acm:... (see reference-app/infra/README.md), or, for a development ' +
          'deployment only, -c goodgreets:insecureDevelopment=true (CloudFront then reaches the ALB over plain HTTP)',
      );
  }
  for (const [key, arn] of [
    ['siteCertificateArn', siteCertificateArn],
    ['albCertificateArn', albCertificateArn],
  ] as const) {
    const m = arn === undefined ? undefined : ACM_ARN.exec(arn);
    if (arn !== undefined && !m) problems.push(`goodgreets:${key} "${arn}" is not an ACM certificate ARN`);
    else if (key === 'siteCertificateArn' && m && m[1] !== 'us-east-1')
      problems.push(
        `goodgreets:siteCertificateArn "${arn}" must be in us-east-1: CloudFront uses certificates from there only`,
      );
  }
  if (albDomain !== undefined && !DOMAIN.test(albDomain))
    problems.push(`goodgreets:albDomain "${albDomain}" is not a lowercase DNS name`);
  if (problems.length) throw new Error(`GoodGreets config (CDK context): ${problems.join('; ')}`);
  return {
    appName: get('goodgreets:appName') ?? 'goodgreets',
    siteDomain: get('goodgreets:siteDomain') ?? 'goodgreets.example.com',
    siteCertificateArn,
    mailDomain: get('goodgreets:mailDomain') ?? 'goodgreets.example.com',
    alertEmail: get('goodgreets:alertEmail') ?? 'oncall@goodgreets.example.com',
    albCertificateArn,
    albDomain,
    insecureDevelopment,
    cloudWatchAgentImage:
      get('goodgreets:cloudWatchAgentImage') ?? 'public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest',
  };
}
