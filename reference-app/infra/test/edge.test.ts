import * as fs from 'node:fs';
import * as vm from 'node:vm';
import { Match } from 'aws-cdk-lib/assertions';
import { WAF_PROOF_HEADER } from '../../api/src/adapters/captcha/waf';
import { EXAMPLE_CONTEXT } from '../src/config';
import { CONTENT_SECURITY_POLICY } from '../../api/src/http/app';
import { isSitePath, SITE_PATHS } from '../../api/src/http/site-paths';
import { CAPTCHA_RULE, SITE_CSP, SPA_REWRITE_FILE } from '../src/stacks/edge';
import { synthesize } from './synth';

interface ViewerRequest {
  uri: string;
  method: string;
  querystring: Record<string, { value: string }>;
  headers: Record<string, { value: string }>;
}

type Handler = (event: { version: string; context: { eventType: string }; request: ViewerRequest }) => ViewerRequest;

const functionCode = fs.readFileSync(SPA_REWRITE_FILE, 'utf8');

/**
 * Runs the function the way CloudFront does: the file's top level defines `handler`, with no
 * module system and no Node globals (a fresh context has neither `require` nor `module`).
 */
function loadHandler(): Handler {
  return vm.runInNewContext(`${functionCode}\n;handler`, {}) as Handler;
}

function viewerRequest(uri: string, querystring: ViewerRequest['querystring'] = {}): ViewerRequest {
  const request = { uri, method: 'GET', querystring, headers: { host: { value: 'goodgreets.example.com' } } };
  return loadHandler()({ version: '1.0', context: { eventType: 'viewer-request' }, request });
}

const { templates, json } = synthesize();
const edge = templates['GoodGreets-Edge'];
const api = templates['GoodGreets-Api'];

type Resource = { Type: string; Properties: Record<string, unknown> };
type Rule = { Name: string; Action?: unknown; OverrideAction?: unknown; Statement: Record<string, unknown> };

function only(template: typeof edge, type: string, props: Record<string, unknown> = {}): [string, Resource] {
  const found = Object.entries(template.findResources(type, { Properties: Match.objectLike(props) }));
  expect(found).toHaveLength(1);
  return found[0] as [string, Resource];
}

function webAclRules(scope: 'CLOUDFRONT' | 'REGIONAL'): Rule[] {
  return only(edge, 'AWS::WAFv2::WebACL', { Scope: scope })[1].Properties.Rules as Rule[];
}

/** The distribution's config (CDK L2 knows only one distribution per stack here). */
function distribution(): Record<string, unknown> & {
  DefaultCacheBehavior: Record<string, unknown>;
  CacheBehaviors: (Record<string, unknown> & { PathPattern: string })[];
} {
  return only(edge, 'AWS::CloudFront::Distribution')[1].Properties.DistributionConfig as ReturnType<
    typeof distribution
  >;
}

describe('SPA rewrite function', () => {
  it.each([
    ['/', '/index.html'],
    ['/upload', '/index.html'],
    ['/upload/', '/index.html'],
    ['/create', '/index.html'],
    [`/s/${'aB3_-'.repeat(8)}xyz`, '/index.html'],
    ['/cards/5/share', '/index.html'],
    ['/no/such/page', '/index.html'],
  ])('serves the app for the client-side route %s', (uri, expected) => {
    expect(viewerRequest(uri).uri).toBe(expected);
  });

  it.each(['/assets/app.123.js', '/assets/missing.css', '/favicon.ico', '/favicon.svg', '/index.html'])(
    'leaves the file %s to the origin, so a missing one is not turned into the page',
    (uri) => {
      expect(viewerRequest(uri).uri).toBe(uri);
    },
  );

  it.each(['/api', '/api/v1/cards/5', '/display', '/display/card.webp', '/thumbnails/x', '/thumbnails/abc'])(
    'never rewrites a path of the other behaviours (%s)',
    (uri) => {
      expect(viewerRequest(uri).uri).toBe(uri);
    },
  );

  it('keeps the query string and the rest of the request as they came', () => {
    const querystring = { x: { value: '1' }, token: { value: 'abc' } };
    const request = viewerRequest('/cards/5/manage', querystring);
    expect(request).toEqual({
      uri: '/index.html',
      method: 'GET',
      querystring: { x: { value: '1' }, token: { value: 'abc' } },
      headers: { host: { value: 'goodgreets.example.com' } },
    });
  });

  // The viewer-response event: the same index.html, with 404 for a path that is none of the pages.
  const viewerResponse = (uri: string, statusCode = 200) => {
    const request = { uri, method: 'GET', querystring: {}, headers: {} };
    const event = { version: '1.0', context: { eventType: 'viewer-response' }, request, response: { statusCode } };
    return (loadHandler() as unknown as (e: typeof event) => { statusCode: number; statusDescription?: string })(event);
  };

  it('lists exactly the pages the server and the web router know', () => {
    const listed = vm.runInNewContext(`${functionCode}\n;SITE_PAGES`, {}) as string[];
    expect([...listed]).toEqual(Object.values(SITE_PATHS));
  });

  it.each([
    '/',
    '/upload',
    '/upload/',
    '/CREATE',
    '/cards/5/share',
    '/cards/5/manage',
    `/s/${'aB3_-'.repeat(8)}xyz`,
    '/no-such-page',
    '/no/such/page',
    '/cards/5',
    '/s/',
    '/uploads',
    '/assets/app.123.js',
    '/api/v1/nope',
    '/display/x',
  ])('answers %s with the status the local server gives it', (uri) => {
    const local = isSitePath(uri) || /\.[^/]*$/.test(uri) || /^\/(api|display|thumbnails)(\/|$)/.test(uri) ? 200 : 404;
    const answer = viewerResponse(uri);
    expect([uri, answer.statusCode]).toEqual([uri, local]);
    if (local === 404) expect(answer.statusDescription).toBe('Not Found');
  });

  it('leaves an error from the origin as it is', () => {
    expect(viewerResponse('/no-such-page', 403).statusCode).toBe(403);
  });

  it('is deployed from this file, on the cloudfront-js-2.0 runtime, published', () => {
    edge.hasResourceProperties('AWS::CloudFront::Function', {
      FunctionCode: functionCode,
      FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }),
      AutoPublish: true,
    });
    // CloudFront Functions accept at most 10 KB of code.
    expect(Buffer.byteLength(functionCode)).toBeLessThan(10 * 1024);
  });
});

describe('GoodGreets distribution', () => {
  it('has no custom error responses, which would replace the JSON errors of the API too', () => {
    expect(distribution()).not.toHaveProperty('CustomErrorResponses');
  });

  it('runs the function on both viewer events of the default (site) behaviour only', () => {
    const [functionId] = only(edge, 'AWS::CloudFront::Function');
    const config = distribution();
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual(
      ['viewer-request', 'viewer-response'].map((EventType) => ({
        EventType,
        FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] },
      })),
    );
    expect(config.CacheBehaviors.filter((b) => 'FunctionAssociations' in b).map((b) => b.PathPattern)).toEqual([]);
  });

  it('passes /api/* to the ALB uncached, with every method, and serves the image prefixes', () => {
    const byPath = Object.fromEntries(distribution().CacheBehaviors.map((b) => [b.PathPattern, b]));
    expect(Object.keys(byPath).sort()).toEqual(['/api/*', '/display/*', '/thumbnails/*']);
    const cachingDisabled = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
    expect(byPath['/api/*']).toMatchObject({
      CachePolicyId: cachingDisabled,
      AllowedMethods: expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
      TargetOriginId: expect.any(String),
    });
    const origins = distribution().Origins as { Id: string; DomainName: unknown; CustomOriginConfig?: unknown }[];
    const originOf = (pattern: string) => origins.find((o) => o.Id === byPath[pattern].TargetOriginId)!;
    // The name on the ALB's certificate (a DNS record points it at the ALB), not the ALB's own DNS name.
    expect(originOf('/api/*').DomainName).toBe(EXAMPLE_CONTEXT['goodgreets:albDomain']);
    for (const pattern of ['/display/*', '/thumbnails/*']) {
      expect(byPath[pattern].CachePolicyId).not.toBe(cachingDisabled);
      expect(originOf(pattern).DomainName).toEqual({
        'Fn::ImportValue': expect.stringMatching(/Images.*RegionalDomainName/),
      });
    }
  });
});

describe('GoodGreets response headers at the edge', () => {
  it('sends the full CSP, no-referrer and HSTS on every behaviour', () => {
    expect(SITE_CSP).toBe(CONTENT_SECURITY_POLICY);
    const [policyId, policy] = only(edge, 'AWS::CloudFront::ResponseHeadersPolicy');
    const config = (policy.Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: Record<string, unknown> })
      .SecurityHeadersConfig;
    expect(config).toMatchObject({
      ContentSecurityPolicy: { ContentSecurityPolicy: CONTENT_SECURITY_POLICY, Override: true },
      ReferrerPolicy: { ReferrerPolicy: 'no-referrer', Override: true },
      StrictTransportSecurity: { AccessControlMaxAgeSec: 31_536_000, IncludeSubdomains: true },
      FrameOptions: { FrameOption: 'DENY' },
    });
    const d = distribution();
    for (const behavior of [d.DefaultCacheBehavior, ...d.CacheBehaviors])
      expect(behavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
  });
});

describe('GoodGreets web ACLs', () => {
  it('runs the AWS managed rule groups and both rate limits at the edge', () => {
    const rules = webAclRules('CLOUDFRONT');
    const managed = rules.filter((r) => 'ManagedRuleGroupStatement' in r.Statement);
    expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement)).toEqual([
      expect.objectContaining({ VendorName: 'AWS', Name: 'AWSManagedRulesAmazonIpReputationList' }),
      expect.objectContaining({ VendorName: 'AWS', Name: 'AWSManagedRulesAnonymousIpList' }),
      expect.objectContaining({ VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
      expect.objectContaining({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }),
    ]);
    // A group's own actions apply only with OverrideAction None (Count would make it watch-only).
    for (const rule of managed) expect(rule.OverrideAction).toEqual({ None: {} });

    const rateBased = Object.fromEntries(
      rules.filter((r) => 'RateBasedStatement' in r.Statement).map((r) => [r.Name, r]),
    );
    expect(rateBased).toEqual({
      RateLimitWrites: expect.objectContaining({
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            Limit: 300,
            AggregateKeyType: 'IP',
            ScopeDownStatement: {
              NotStatement: {
                Statement: { ByteMatchStatement: expect.objectContaining({ SearchString: 'GET' }) },
              },
            },
          },
        },
      }),
      RateLimitAll: expect.objectContaining({
        Action: { Block: {} },
        Statement: { RateBasedStatement: { Limit: 3000, AggregateKeyType: 'IP' } },
      }),
    });
  });

  const captchaRule = () => webAclRules('CLOUDFRONT').find((r) => r.Name === CAPTCHA_RULE);
  type PathMatch = { RegexString: string; TextTransformations: Array<{ Priority: number; Type: string }> };
  /** The CAPTCHA rule's [method, path regex statement] pairs, as synthesized. */
  const guarded = (): Array<[string, PathMatch]> =>
    (
      captchaRule()!.Statement as {
        OrStatement: {
          Statements: Array<{
            AndStatement: {
              Statements: [{ ByteMatchStatement: { SearchString: string } }, { RegexMatchStatement: PathMatch }];
            };
          }>;
        };
      }
    ).OrStatement.Statements.map((s) => [
      s.AndStatement.Statements[0].ByteMatchStatement.SearchString,
      s.AndStatement.Statements[1].RegexMatchStatement,
    ]);

  /** What WAF does with the transformations the rule names, in their priority order. */
  function transform(uriPath: string, transformations: PathMatch['TextTransformations']): string {
    let v = uriPath;
    for (const t of [...transformations].sort((a, b) => a.Priority - b.Priority)) {
      if (t.Type === 'URL_DECODE') v = decodeURIComponent(v);
      else if (t.Type === 'LOWERCASE') v = v.toLowerCase();
      else if (t.Type === 'NORMALIZE_PATH')
        v = v
          .replace(/\/{2,}/g, '/')
          .replace(/\/(\.\/)+/g, '/')
          .replace(/\/\.$/, '/');
      else throw new Error(`transformation ${t.Type} not emulated`);
    }
    return v;
  }

  it('asks for the CAPTCHA on POST /api/v1/designs and GET /api/v1/captcha/verify, in every spelling', () => {
    expect(captchaRule()).toMatchObject({
      Name: 'CaptchaOnUpload',
      VisibilityConfig: { MetricName: 'CaptchaOnUpload', CloudWatchMetricsEnabled: true },
    });
    const rules = guarded();
    expect(rules.map(([method]) => method)).toEqual(['POST', 'POST', 'GET']);
    for (const [, match] of rules)
      expect(match.TextTransformations).toEqual([
        { Priority: 0, Type: 'URL_DECODE' },
        { Priority: 1, Type: 'NORMALIZE_PATH' },
        { Priority: 2, Type: 'LOWERCASE' },
      ]);
    const matches = (method: string, uriPath: string) =>
      rules.some(([m, p]) => m === method && new RegExp(p.RegexString).test(transform(uriPath, p.TextTransformations)));
    // The spellings that reached the upload handler past the exact-match rule (issue 20).
    for (const p of [
      '/api/v1/designs',
      '/api/v1/designs/',
      '/api/v1/Designs',
      '/API/V1/DESIGNS',
      '/api/v1/%64esigns',
      '/api/v1//designs',
      '/api/v1/./designs',
    ])
      expect({ p, matches: matches('POST', p) }).toEqual({ p, matches: true });
    for (const p of ['/api/v1/captcha/verify', '/api/v1/captcha/verify/', '/api/v1/CAPTCHA/%56erify'])
      expect({ p, matches: matches('GET', p) }).toEqual({ p, matches: true });
    // Card creation (anti-relay), in every spelling too.
    for (const p of ['/api/v1/cards', '/api/v1/Cards/', '/api/v1/%63ards'])
      expect({ p, matches: matches('POST', p) }).toEqual({ p, matches: true });
    // Not a blanket rule: the gallery, a design, a card's edits and signing are not challenged.
    for (const p of ['/api/v1/designs/abc', '/api/v1/designsx', '/api/v1/cards/abc', '/api/v1/shared/x/messages'])
      expect({ p, matches: matches('POST', p) || matches('GET', p) }).toEqual({ p, matches: false });
    expect(matches('GET', '/api/v1/designs')).toBe(false);
  });

  it('inserts the proof header the API checks, valued from the Secrets Manager secret the API task gets', () => {
    const inserted = (
      captchaRule()!.Action as {
        Captcha: { CustomRequestHandling: { InsertHeaders: Array<{ Name: string; Value: unknown }> } };
      }
    ).Captcha.CustomRequestHandling.InsertHeaders;
    expect(inserted).toHaveLength(1);
    const [header] = inserted;
    // WAF prefixes inserted names; the result is the header the API reads.
    expect(`x-amzn-waf-${header!.Name}`).toBe(WAF_PROOF_HEADER);
    // A dynamic reference resolved by CloudFormation: never the value itself in the template.
    const value = JSON.stringify(header!.Value);
    expect(value).toMatch(/\{\{resolve:secretsmanager:/);
    const [secretId] = only(api, 'AWS::SecretsManager::Secret', {
      Description: Match.stringLikeRegexp('WAF CAPTCHA rule inserts'),
    });
    const exportName = Object.entries(
      (json['GoodGreets-Api'] as unknown as { Outputs: Record<string, { Value: unknown; Export: { Name: string } }> })
        .Outputs,
    ).find(([, o]) => JSON.stringify(o.Value) === JSON.stringify({ Ref: secretId }))?.[1].Export.Name;
    expect(exportName).toBeDefined();
    expect(value).toContain(exportName);
    // The API container receives the same secret as CAPTCHA_WAF_PROOF.
    const [, task] = only(api, 'AWS::ECS::TaskDefinition');
    const container = (task.Properties.ContainerDefinitions as Array<{ Name: string; Secrets: unknown[] }>).find(
      (c) => c.Name === 'api',
    );
    expect(container!.Secrets).toContainEqual({ Name: 'CAPTCHA_WAF_PROOF', ValueFrom: { Ref: secretId } });
  });

  it('associates the regional ACL, with the managed rules, with the API load balancer', () => {
    const regional = webAclRules('REGIONAL');
    expect(regional.map((r) => r.Name)).toEqual(
      expect.arrayContaining(['AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesCommonRuleSet']),
    );
    // Rate-limited per viewer (the forwarded address), not per CloudFront edge server.
    expect(regional.find((r) => r.Name === 'RateLimitViewers')).toMatchObject({
      Action: { Block: {} },
      Statement: {
        RateBasedStatement: {
          AggregateKeyType: 'FORWARDED_IP',
          ForwardedIPConfig: { HeaderName: 'X-Forwarded-For', FallbackBehavior: 'MATCH' },
        },
      },
    });
    const [aclId] = only(edge, 'AWS::WAFv2::WebACL', { Scope: 'REGIONAL' });
    const [, association] = only(edge, 'AWS::WAFv2::WebACLAssociation');
    expect(association.Properties.WebACLArn).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });

    // The association imports an export of the API stack; it must be the ALB's own ARN (its Ref).
    const [albId] = only(api, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const exportName = (association.Properties.ResourceArn as { 'Fn::ImportValue': string })['Fn::ImportValue'];
    const outputs = (
      json['GoodGreets-Api'] as unknown as { Outputs: Record<string, { Value: unknown; Export: unknown }> }
    ).Outputs;
    expect(Object.values(outputs)).toContainEqual({ Value: { Ref: albId }, Export: { Name: exportName } });
  });
});

describe('GoodGreets ALB ingress', () => {
  // security.test.ts checks that no rule in the API stack is open to the world; this pins the
  // ALB's group to the one CloudFront origin-facing list, whatever else the stack admits.
  it('admits only the CloudFront origin-facing prefix list', () => {
    const [, alb] = only(api, 'AWS::ElasticLoadBalancingV2::LoadBalancer');
    const groups = (alb.Properties.SecurityGroups as { 'Fn::GetAtt': [string, string] }[]).map(
      (g) => g['Fn::GetAtt'][0],
    );
    expect(groups).toHaveLength(1);
    const [group] = groups;
    const inline = (api.findResources('AWS::EC2::SecurityGroup')[group].Properties.SecurityGroupIngress ??
      []) as object[];
    const separate = Object.values(
      api.findResources('AWS::EC2::SecurityGroupIngress', {
        Properties: { GroupId: { 'Fn::GetAtt': [group, 'GroupId'] } },
      }),
    ).map((r) => r.Properties as Record<string, unknown>);
    const ingress = [...inline, ...separate] as Record<string, unknown>[];
    expect(ingress.length).toBeGreaterThan(0);

    const lookups = new Set(
      ingress.map((rule) => (rule.SourcePrefixListId as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt']?.[0]),
    );
    expect([...lookups]).toHaveLength(1);
    const [lookup] = [...lookups];
    const call = JSON.parse(api.findResources('Custom::AWS')[lookup!].Properties.Create as string);
    expect(call).toMatchObject({
      service: 'EC2',
      action: 'describeManagedPrefixLists',
      parameters: {
        Filters: [{ Name: 'prefix-list-name', Values: ['com.amazonaws.global.cloudfront.origin-facing'] }],
      },
    });
  });
});
