import * as path from 'node:path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { ORIGIN_HEADER } from './api';

export interface EdgeStackProps extends StackProps {
  readonly website: s3.IBucket;
  readonly images: s3.IBucket;
  readonly logBucket: s3.IBucket;
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  readonly originSecret: secretsmanager.ISecret;
  /** Inserted by the CAPTCHA rule into requests that passed it (CAPTCHA_PROOF_HEADER). */
  readonly captchaProofSecret: secretsmanager.ISecret;
  readonly siteDomain: string;
  /**
   * Certificates and the ALB's name; absent only under goodgreets:insecureDevelopment, where the
   * distribution uses its default certificate and reaches the ALB over HTTP.
   */
  readonly tls?: { readonly siteCertificateArn: string; readonly albDomain: string };
}

/** Name of the CAPTCHA rule; dashboards and the security view read its metrics by this name. */
export const CAPTCHA_RULE = 'CaptchaOnUpload';

/**
 * The requests WAF answers with its CAPTCHA: the upload itself, card creation (the site sends
 * email from its own domain for the creator, so a card is challenged like an upload), and the
 * page the site navigates to (a GET, so the browser can show WAF's interstitial) to obtain a
 * token first.
 */
export const CAPTCHA_REQUESTS: readonly { readonly method: string; readonly path: string }[] = [
  { method: 'POST', path: '/api/v1/designs' },
  { method: 'POST', path: '/api/v1/cards' },
  { method: 'GET', path: '/api/v1/captcha/verify' },
];

/**
 * The header the CAPTCHA rule inserts into a request whose CAPTCHA token it validated. WAF
 * prefixes inserted names with `x-amzn-waf-`: the API reads `x-amzn-waf-captcha-proof`
 * (WAF_PROOF_HEADER in reference-app/api) and accepts an upload only with the secret value.
 */
export const CAPTCHA_PROOF_HEADER = 'captcha-proof';

/**
 * How the CAPTCHA rule reads a path: URL-decoded, dot segments and repeated slashes removed, then
 * lowercased, so `/API/v1/%64esigns/` is the same request as `/api/v1/designs` (the API refuses
 * such spellings anyway; the rule must not be narrower than what could reach it).
 */
export const PATH_TRANSFORMS: readonly wafv2.CfnWebACL.TextTransformationProperty[] = [
  { priority: 0, type: 'URL_DECODE' },
  { priority: 1, type: 'NORMALIZE_PATH' },
  { priority: 2, type: 'LOWERCASE' },
];

/**
 * The CloudFront Function that serves the SPA's client-side routes. Resolved from the package
 * root so it is the same file from src/ (tests) and dist/ (cdk synth); tests execute it.
 */
/**
 * The site's Content-Security-Policy, sent by CloudFront on every response (the site's HTML comes
 * from S3, which sends no headers of its own). The same policy the API sends locally
 * (CONTENT_SECURITY_POLICY in reference-app/api); test/edge.test.ts checks that they agree.
 */
export const SITE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SPA_REWRITE_FILE = path.resolve(__dirname, '../../src/edge/spa-rewrite.js');

/**
 * CloudFront in front of everything (site, images, /api/*) with a CLOUDFRONT-scope web ACL:
 * AWS managed rules, rate limits and the CAPTCHA on design uploads (the upload path keeps the
 * CAPTCHA in front: WAF challenges POST /api/v1/designs before it reaches the API, and the API
 * checks the resulting aws-waf-token; the site gets that token by navigating to
 * GET /api/v1/captcha/verify, where WAF shows its interstitial). A REGIONAL web ACL on the ALB
 * repeats the managed rules for defence in depth. The site's client-side routes are rewritten to
 * index.html by a CloudFront Function (see SPA_REWRITE_FILE). This stack must deploy in us-east-1
 * (CloudFront-scope WAF).
 */
export class EdgeStack extends Stack {
  readonly distribution: cloudfront.Distribution;
  readonly webAcl: wafv2.CfnWebACL;
  readonly regionalWebAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    this.webAcl = new wafv2.CfnWebACL(this, 'EdgeAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('goodgreets-edge'),
      captchaConfig: { immunityTimeProperty: { immunityTime: 300 } },
      rules: [
        managedRule('AWSManagedRulesAmazonIpReputationList', 0),
        managedRule('AWSManagedRulesAnonymousIpList', 1),
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 2),
        managedRule('AWSManagedRulesCommonRuleSet', 3, [
          // Uploads are multipart images up to 10 MB; the API enforces its own byte limits.
          { name: 'SizeRestrictions_BODY', actionToUse: { count: {} } },
        ]),
        {
          name: 'RateLimitWrites',
          priority: 10,
          action: { block: {} },
          visibilityConfig: visibility('RateLimitWrites'),
          statement: {
            rateBasedStatement: {
              limit: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: { notStatement: { statement: { byteMatchStatement: methodIs('GET') } } },
            },
          },
        },
        {
          name: 'RateLimitAll',
          priority: 11,
          action: { block: {} },
          visibilityConfig: visibility('RateLimitAll'),
          statement: { rateBasedStatement: { limit: 3000, aggregateKeyType: 'IP' } },
        },
        {
          name: CAPTCHA_RULE,
          priority: 20,
          action: {
            captcha: {
              customRequestHandling: {
                insertHeaders: [
                  { name: CAPTCHA_PROOF_HEADER, value: props.captchaProofSecret.secretValue.unsafeUnwrap() },
                ],
              },
            },
          },
          visibilityConfig: visibility(CAPTCHA_RULE),
          statement: {
            orStatement: {
              statements: CAPTCHA_REQUESTS.map(({ method, path: uriPath }) => requestIs(method, uriPath)),
            },
          },
        },
      ],
    });

    // CloudFront checks the ALB's certificate against the origin name: the ALB's own DNS name is not
    // on it, so the origin is the albDomain record that points at the ALB.
    const apiOrigin = new origins.HttpOrigin(props.tls?.albDomain ?? props.loadBalancer.loadBalancerDnsName, {
      protocolPolicy: props.tls
        ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY
        : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      customHeaders: { [ORIGIN_HEADER]: props.originSecret.secretValue.unsafeUnwrap() },
      readTimeout: Duration.seconds(30),
    });
    // Imported by name so CloudFront does not write the buckets' policies (the storage stack does).
    const originBucket = (id: string, bucket: s3.IBucket) =>
      origins.S3BucketOrigin.withOriginAccessControl(
        s3.Bucket.fromBucketAttributes(this, id, {
          bucketName: bucket.bucketName,
          bucketRegionalDomainName: bucket.bucketRegionalDomainName,
        }),
      );
    const imagesOrigin = originBucket('ImagesOrigin', props.images);
    // Share and owner links carry tokens in their paths: no Referer may ever leave with them, on any
    // response (the managed SECURITY_HEADERS policy says strict-origin-when-cross-origin).
    const securityHeaders = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'GoodGreets: CSP, no-referrer, HSTS, nosniff, frame denial on every response',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: SITE_CSP, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
      },
    });
    const imageBehavior: cloudfront.BehaviorOptions = {
      origin: imagesOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
      responseHeadersPolicy: securityHeaders,
    };
    const spaRewrite = new cloudfront.Function(this, 'SpaRewrite', {
      comment: 'GoodGreets: client-side routes of the site -> /index.html; 404 for other paths',
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromFile({ filePath: SPA_REWRITE_FILE }),
    });
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'GoodGreets: site, images and API',
      ...(props.tls
        ? {
            domainNames: [props.siteDomain],
            certificate: acm.Certificate.fromCertificateArn(this, 'SiteCertificate', props.tls.siteCertificateArn),
          }
        : {}),
      defaultRootObject: 'index.html',
      webAclId: this.webAcl.attrArn,
      minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      enableLogging: true,
      logBucket: props.logBucket,
      logFilePrefix: 'cloudfront/',
      defaultBehavior: {
        origin: originBucket('WebsiteOrigin', props.website),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: securityHeaders,
        // One function for both events: routes -> /index.html, and 404 for a path that is no page.
        functionAssociations: [
          cloudfront.FunctionEventType.VIEWER_REQUEST,
          cloudfront.FunctionEventType.VIEWER_RESPONSE,
        ].map((eventType) => ({ eventType, function: spaRewrite })),
      },
      // No errorResponses: they apply to every behaviour, so they would turn the API's JSON 404s
      // into index.html; the SPA's routes are rewritten by the function above instead.
      additionalBehaviors: {
        '/api/*': {
          origin: apiOrigin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
          responseHeadersPolicy: securityHeaders,
        },
        '/display/*': imageBehavior,
        '/thumbnails/*': imageBehavior,
      },
    });

    this.regionalWebAcl = new wafv2.CfnWebACL(this, 'AlbAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('goodgreets-alb'),
      rules: [
        managedRule('AWSManagedRulesKnownBadInputsRuleSet', 0),
        managedRule('AWSManagedRulesCommonRuleSet', 1, [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }]),
        {
          // Every request reaches the ALB from a CloudFront address: the viewer's is the first
          // X-Forwarded-For entry (CloudFront sets it), so the limit counts viewers, not edge servers.
          name: 'RateLimitViewers',
          priority: 10,
          action: { block: {} },
          visibilityConfig: visibility('RateLimitViewers'),
          statement: {
            rateBasedStatement: {
              limit: 3000,
              aggregateKeyType: 'FORWARDED_IP',
              forwardedIpConfig: { headerName: 'X-Forwarded-For', fallbackBehavior: 'MATCH' },
            },
          },
        },
      ],
    });
    new wafv2.CfnWebACLAssociation(this, 'AlbAclAssociation', {
      resourceArn: props.loadBalancer.loadBalancerArn,
      webAclArn: this.regionalWebAcl.attrArn,
    });
  }
}

function visibility(metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty {
  return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName };
}

function exactly(
  fieldToMatch: wafv2.CfnWebACL.FieldToMatchProperty,
  searchString: string,
): wafv2.CfnWebACL.ByteMatchStatementProperty {
  return {
    fieldToMatch,
    positionalConstraint: 'EXACTLY',
    searchString,
    textTransformations: [{ priority: 0, type: 'NONE' }],
  };
}

function methodIs(method: string): wafv2.CfnWebACL.ByteMatchStatementProperty {
  return exactly({ method: {} }, method);
}

/** The request's method, and its path in any spelling that normalises to `uriPath`, with or without a trailing slash. */
function requestIs(method: string, uriPath: string): wafv2.CfnWebACL.StatementProperty {
  return {
    andStatement: {
      statements: [
        { byteMatchStatement: methodIs(method) },
        {
          regexMatchStatement: {
            fieldToMatch: { uriPath: {} },
            regexString: `^${uriPath.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/?$`,
            textTransformations: [...PATH_TRANSFORMS],
          },
        },
      ],
    },
  };
}

function managedRule(
  name: string,
  priority: number,
  ruleActionOverrides?: wafv2.CfnWebACL.RuleActionOverrideProperty[],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    visibilityConfig: visibility(name),
    statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides } },
  };
}
