import * as fs from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { synthesize } from './synth';

const { app, templates, json } = synthesize();

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

function policyStatements(): { stack: string; id: string; statement: Statement }[] {
  return Object.entries(json).flatMap(([stack, template]) =>
    Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap(([id, r]) =>
        ((r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement ?? []).map((statement) => ({
          stack,
          id,
          statement,
        })),
      ),
  );
}

describe('GoodGreets security posture', () => {
  it('has no unacknowledged cdk-nag AwsSolutions finding', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((v) =>
      v.violatingResources.map(
        (r) => `${v.ruleName} ${(r as { constructPath?: string }).constructPath ?? r.resourceLogicalId}`,
      ),
    );
    expect(findings).toEqual([]);
  });

  it('grants "*" resources only to actions that have no resource-level permissions', () => {
    const needStar = new Set([
      'ecr:GetAuthorizationToken',
      'ec2:DescribeManagedPrefixLists',
      'ec2:CreateNetworkInterface',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DeleteNetworkInterface',
      'cloudwatch:PutMetricData',
      // The alert router reads an SLO's error ratio over its period for the page's budget left.
      'cloudwatch:GetMetricData',
      'xray:PutTraceSegments',
      'xray:PutTelemetryRecords',
    ]);
    const offenders = policyStatements()
      .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Resource].flat().includes('*'))
      .flatMap(({ stack, id, statement }) =>
        [statement.Action]
          .flat()
          .filter((a) => !needStar.has(a))
          .map((a) => `${stack}/${id}: ${a}`),
      );
    expect(offenders).toEqual([]);
  });

  it('keeps every bucket private, encrypted and TLS-only', () => {
    let buckets = 0;
    for (const [stack, template] of Object.entries(templates)) {
      const found = template.findResources('AWS::S3::Bucket');
      for (const id of Object.keys(found)) {
        buckets++;
        expect(found[id].Properties).toMatchObject({
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          BucketEncryption: expect.anything(),
        });
        template.hasResourceProperties('AWS::S3::BucketPolicy', {
          Bucket: { Ref: id },
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
        void stack;
      }
    }
    expect(buckets).toBeGreaterThanOrEqual(3);
  });

  it('lets only CloudFront reach the ALB: prefix-list ingress and a secret header rule', () => {
    const api = templates['GoodGreets-Api'];
    const ingress = Object.values(api.findResources('AWS::EC2::SecurityGroup'))
      .flatMap((sg) => (sg.Properties.SecurityGroupIngress as Record<string, unknown>[] | undefined) ?? [])
      .concat(Object.values(api.findResources('AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties));
    expect(ingress.some((rule) => rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0')).toBe(false);
    expect(ingress.some((rule) => rule.SourcePrefixListId !== undefined)).toBe(true);
    api.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      DefaultActions: [
        Match.objectLike({ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '403' }) }),
      ],
    });
    api.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [
        Match.objectLike({
          Field: 'http-header',
          HttpHeaderConfig: Match.objectLike({ HttpHeaderName: 'x-origin-verify' }),
        }),
      ],
      Actions: [Match.objectLike({ Type: 'forward' })],
    });
  });

  it('puts the CAPTCHA in front of design uploads at the edge', () => {
    const edge = templates['GoodGreets-Edge'];
    edge.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'CLOUDFRONT',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'CaptchaOnUpload',
          Action: { Captcha: {} },
          Statement: {
            OrStatement: {
              Statements: Match.arrayWith([
                {
                  AndStatement: {
                    Statements: [
                      Match.objectLike({ ByteMatchStatement: Match.objectLike({ SearchString: 'POST' }) }),
                      Match.objectLike({ ByteMatchStatement: Match.objectLike({ SearchString: '/api/v1/designs' }) }),
                    ],
                  },
                },
              ]),
            },
          },
        }),
      ]),
    });
    edge.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ WebACLId: Match.anyValue() }),
    });
  });

  it('stays within CloudFormation limits (1 MB template, 500 resources)', () => {
    for (const [stack, template] of Object.entries(json)) {
      expect({ stack, bytes: Buffer.byteLength(JSON.stringify(template)) < 1_000_000 }).toEqual({ stack, bytes: true });
      expect({ stack, resources: Object.keys(template.Resources).length <= 500 }).toEqual({ stack, resources: true });
    }
  });

  it('synthesizes without credentials or context lookups', () => {
    const lookups = app.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:missing-context'));
    expect(lookups).toEqual([]);
    expect(fs.existsSync(app.outdir)).toBe(true);
  });
});
