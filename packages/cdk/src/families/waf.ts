import { Stack, Token } from 'aws-cdk-lib';
import { webAclFeatures } from '@sre-kit/core';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

/** Where a web ACL applies; CloudFront-scoped ACLs publish metrics in us-east-1 without a Region dimension. */
export enum WebAclScope {
  REGIONAL = 'REGIONAL',
  CLOUDFRONT = 'CLOUDFRONT',
}

export interface WebAclAlarmsProps extends FamilyAlarmsOptions {
  /** The web ACL (L1; aws-cdk-lib has no WAFv2 L2). One of `webAcl` or `webAclName` + `scope`. @default - use the name */
  readonly webAcl?: wafv2.CfnWebACL;
  /** The metric name of a web ACL outside this app (its `WebACL` dimension). @default - from `webAcl` */
  readonly webAclName?: string;
  /** @default - from `webAcl`, else REGIONAL */
  readonly scope?: WebAclScope;
}

/**
 * Catalogue family `waf`: BlockedRequests over a user-set baseline, for
 * regional and CloudFront web ACLs. A CloudFront ACL's metrics live in
 * us-east-1 and CloudWatch alarms cannot read another region, so its alarms
 * must be in a us-east-1 stack; anything else fails at synth.
 */
export class WebAclAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: WebAclAlarmsProps) {
    super(scope, id, 'waf', props);
    if (!props.webAcl === !props.webAclName)
      inputError(
        this,
        'exactly one of webAcl or webAclName is required',
        { webAcl: !!props.webAcl, webAclName: props.webAclName },
        'pass the CfnWebACL, or the name of a web ACL outside this app',
      );
    const aclScope = (
      props.scope ??
      (props.webAcl?.scope as WebAclScope | undefined) ??
      WebAclScope.REGIONAL
    ).toUpperCase();
    if (aclScope !== WebAclScope.REGIONAL && aclScope !== WebAclScope.CLOUDFRONT)
      inputError(this, 'unknown web ACL scope', aclScope, 'use WebAclScope.REGIONAL or WebAclScope.CLOUDFRONT');
    const stack = Stack.of(this);
    if (aclScope === WebAclScope.CLOUDFRONT && !Token.isUnresolved(stack.region) && stack.region !== 'us-east-1')
      inputError(
        this,
        'CloudFront web ACL metrics are published in us-east-1, and alarms cannot read another region',
        stack.region,
        'put these alarms in a stack deployed to us-east-1',
      );
    // WAF publishes per the ACL's metric name (VisibilityConfig.MetricName), which is usually, not always, its name.
    const metricName = props.webAclName ?? webAclMetricName(props.webAcl!);
    const dimensions: Record<string, string> = { WebACL: metricName };
    if (aclScope === WebAclScope.REGIONAL) dimensions.Region = stack.region;
    this._render([{ dimensions }], {}, { attributes: { scope: aclScope, ...featureAttributes(this, props.webAcl) } });
  }
}

/**
 * Whether the ACL has a CAPTCHA action and the Bot Control group, from its rules as synthesized: the
 * dashboards draw CAPTCHA and bot panels only then (WAF publishes nothing else), which is the rule
 * `sre verify` checks the assembly against. Unknown for an ACL outside this app.
 */
function featureAttributes(scope: Construct, acl: wafv2.CfnWebACL | undefined): Record<string, string> {
  if (!acl) return {};
  const features = webAclFeatures(Stack.of(scope).resolve(acl.rules));
  return { captcha: String(features.captcha), botControl: String(features.botControl) };
}

function webAclMetricName(acl: wafv2.CfnWebACL): string {
  const visibility = acl.visibilityConfig as wafv2.CfnWebACL.VisibilityConfigProperty | undefined;
  if (visibility && !Token.isUnresolved(visibility) && typeof visibility.metricName === 'string')
    return visibility.metricName;
  return acl.name ?? acl.ref;
}
