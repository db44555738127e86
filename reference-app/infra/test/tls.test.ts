// Issue 20: TLS end to end. The secure app (what `npm run synth` builds, with placeholder
// certificates) has no plain-HTTP leg; only the explicit development flag brings one back.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildGoodGreets } from '../src/app';
import { EXAMPLE_CONTEXT, readConfig } from '../src/config';
import { synthesize } from './synth';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };

const resources = (templates: Record<string, Template>, type: string) =>
  Object.values(templates).flatMap((t) => Object.values(t.Resources).filter((r) => r.Type === type));

interface Leg {
  listeners: Array<{ Protocol: string; Port: number; SslPolicy?: string }>;
  origins: Array<{
    DomainName: unknown;
    CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols?: string[] };
  }>;
  viewer: { MinimumProtocolVersion?: string; AcmCertificateArn?: string; CloudFrontDefaultCertificate?: boolean };
  ingressPorts: number[];
}

function legs(templates: Record<string, Template>): Leg {
  const [distribution] = resources(templates, 'AWS::CloudFront::Distribution');
  const config = distribution!.Properties!.DistributionConfig as {
    Origins: Leg['origins'];
    ViewerCertificate: Leg['viewer'];
  };
  // Ingress from the CloudFront prefix list, inline or as its own resource.
  const ingress = resources(templates, 'AWS::EC2::SecurityGroup')
    .flatMap((sg) => (sg.Properties!.SecurityGroupIngress as Array<Record<string, unknown>> | undefined) ?? [])
    .concat(resources(templates, 'AWS::EC2::SecurityGroupIngress').map((r) => r.Properties!))
    .filter((rule) => rule.SourcePrefixListId !== undefined) as Array<{ FromPort: number }>;
  return {
    listeners: resources(templates, 'AWS::ElasticLoadBalancingV2::Listener').map(
      (l) => l.Properties as Leg['listeners'][number],
    ),
    origins: config.Origins,
    viewer: config.ViewerCertificate,
    ingressPorts: ingress.map((r) => r.FromPort),
  };
}

describe('the secure app', () => {
  const leg = legs(synthesize().json as Record<string, Template>);

  it('has an HTTPS listener with a TLS 1.2+ policy and no HTTP listener', () => {
    expect(leg.listeners).toEqual([
      expect.objectContaining({ Protocol: 'HTTPS', Port: 443, SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06' }),
    ]);
    expect(leg.ingressPorts).toEqual([443]);
  });

  it('reaches the ALB over HTTPS only, by the name its certificate covers', () => {
    const custom = leg.origins.filter((o) => o.CustomOriginConfig);
    expect(custom).toEqual([
      expect.objectContaining({
        DomainName: EXAMPLE_CONTEXT['goodgreets:albDomain'],
        CustomOriginConfig: expect.objectContaining({
          OriginProtocolPolicy: 'https-only',
          OriginSSLProtocols: ['TLSv1.2'],
        }),
      }),
    ]);
  });

  it('serves viewers with the site certificate and TLSv1.2_2021', () => {
    expect(leg.viewer).toEqual(
      expect.objectContaining({
        AcmCertificateArn: EXAMPLE_CONTEXT['goodgreets:siteCertificateArn'],
        MinimumProtocolVersion: 'TLSv1.2_2021',
        SslSupportMethod: 'sni-only',
      }),
    );
  });
});

describe('the configuration', () => {
  const configWith = (context: Record<string, string>) => readConfig(new App({ context }).node);

  it('requires the certificates and the ALB name, naming the keys and the development flag', () => {
    expect(() => configWith({})).toThrow(
      /goodgreets:siteCertificateArn, goodgreets:albCertificateArn, goodgreets:albDomain missing.*goodgreets:insecureDevelopment=true/,
    );
    const { ['goodgreets:albDomain']: _dropped, ...noDomain } = EXAMPLE_CONTEXT;
    expect(() => configWith(noDomain)).toThrow(/goodgreets:albDomain missing/);
  });

  it('refuses values that cannot work, naming them', () => {
    expect(() =>
      configWith({
        ...EXAMPLE_CONTEXT,
        'goodgreets:siteCertificateArn': 'arn:aws:acm:eu-west-1:111111111111:certificate/abc',
      }),
    ).toThrow(/goodgreets:siteCertificateArn .* must be in us-east-1/);
    expect(() => configWith({ ...EXAMPLE_CONTEXT, 'goodgreets:albCertificateArn': 'my-cert' })).toThrow(
      /goodgreets:albCertificateArn "my-cert" is not an ACM certificate ARN/,
    );
    expect(() => configWith({ ...EXAMPLE_CONTEXT, 'goodgreets:albDomain': 'https://x' })).toThrow(/albDomain/);
  });
});

describe('goodgreets:insecureDevelopment=true', () => {
  it('is the only way to an HTTP origin and listener, and synthesizes with cdk-nag clean', () => {
    const app = new App({
      outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gg-cdk-insecure-')),
      context: { 'goodgreets:insecureDevelopment': 'true' },
    });
    buildGoodGreets(app);
    const assembly = app.synth();
    const leg = legs(Object.fromEntries(assembly.stacks.map((s) => [s.stackName, s.template as Template])));
    expect(leg.listeners).toEqual([expect.objectContaining({ Protocol: 'HTTP', Port: 80 })]);
    expect(leg.origins.filter((o) => o.CustomOriginConfig)).toEqual([
      expect.objectContaining({ CustomOriginConfig: expect.objectContaining({ OriginProtocolPolicy: 'http-only' }) }),
    ]);
    // No ViewerCertificate at all: CloudFront's default certificate.
    expect(leg.viewer?.AcmCertificateArn).toBeUndefined();
  }, 300_000);
});
