/**
 * Security widgets derived from the alarm policy: per WAF web ACL the allowed / blocked / CAPTCHA
 * traffic in total and by rule, CAPTCHA failures and bot-control signals; per load balancer the 4xx
 * responses against their expected band. App-level signals (rejected uploads, CAPTCHA failures seen
 * by the API) come from explicit panels in the spec.
 */
import type { DashboardSection, Widget } from '../model/dashboard';
import { alarmedMetricQuery, runbookLinks, type ResourceContext } from './developer';
import { cw, mathQuery, metricQuery } from './queries';

const PERIOD = 300;
const WAF = 'AWS/WAFV2';
const ALB = 'AWS/ApplicationELB';
/** CloudFront-scope web ACLs publish their metrics in us-east-1, whatever the app's region. */
export const CLOUDFRONT_REGION = 'us-east-1';

/** `"` and `\` inside a SEARCH term are escaped the way CloudWatch search expressions expect. */
function term(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A CloudWatch SEARCH over one web ACL's per-rule (or per-label) metrics. */
export function wafSearch(
  schema: readonly string[],
  filters: Readonly<Record<string, string>>,
  statistic: string,
  period: number,
): string {
  const where = Object.entries(filters)
    .map(([k, v]) => `${k}=${term(v)}`)
    .join(' ');
  return `SEARCH('{${[WAF, ...schema].join(',')}} ${where}', '${statistic}', ${period})`;
}

function wafWidgets(ctx: ResourceContext): Widget[] {
  const webAcl = ctx.dimensions.WebACL;
  if (webAcl === undefined) return [];
  const region = ctx.dimensions.Region;
  const base = { WebACL: webAcl, ...(region !== undefined ? { Region: region } : {}) };
  const all = { ...base, Rule: 'ALL' };
  // CloudFront-scope ACLs publish without a Region dimension (in us-east-1).
  const ruleSchema = region !== undefined ? ['Region', 'Rule', 'WebACL'] : ['Rule', 'WebACL'];
  const labelSchema = region !== undefined ? ['LabelName', 'LabelNamespace', 'Region', 'WebACL'] : ['LabelName', 'LabelNamespace', 'WebACL'];
  const id = ctx.resource.id;
  const common = {
    width: 8,
    height: 7,
    periodSeconds: PERIOD,
    unit: 'count' as const,
    thresholds: [],
    ...(region === undefined ? { region: CLOUDFRONT_REGION } : {}),
  };
  // The same alarm lines and runbooks as the developer dashboard's WAF panel.
  const blocked = alarmedMetricQuery('blocked', cw(WAF, 'BlockedRequests', all, 'Sum'), 'all rules', PERIOD, ctx.alarms);
  const blockedLinks = runbookLinks(blocked.alarms);
  const byRule = (metric: string) => wafSearch(ruleSchema, { MetricName: metric, WebACL: webAcl }, 'Sum', PERIOD);
  // WAF publishes CAPTCHA metrics only for ACLs with a CAPTCHA action, and Bot Control labels only with
  // that managed group: panels reading them are drawn only when the resource says it has them.
  const captcha = ctx.attributes.captcha === 'true';
  const botControl = ctx.attributes.botControl === 'true';
  const widgets: Array<Widget | false> = [
    {
      type: 'timeSeries',
      ...common,
      title: `${id}: requests allowed, blocked, CAPTCHA`,
      // Not stacked: a CAPTCHA request is also counted as allowed or blocked, so a stack would double-count.
      description: 'Requests the web ACL decided on, by action (Rule=ALL); the series overlap, so they are not stacked.',
      queries: [
        metricQuery('allowed', cw(WAF, 'AllowedRequests', all, 'Sum'), { label: 'allowed' }),
        metricQuery('blocked', cw(WAF, 'BlockedRequests', all, 'Sum'), { label: 'blocked' }),
        ...(captcha ? [metricQuery('captcha', cw(WAF, 'CaptchaRequests', all, 'Sum'), { label: 'CAPTCHA' })] : []),
        metricQuery('counted', cw(WAF, 'CountedRequests', all, 'Sum'), { label: 'counted' }),
      ],
    },
    {
      type: 'timeSeries',
      ...common,
      title: `${id}: blocked by rule`,
      description:
        'BlockedRequests per rule of the web ACL: which rule is doing the blocking; the total (Rule=ALL) is what ' +
        'the blocked-requests alarm evaluates (its threshold is on the developer dashboard).',
      // No threshold line: it would read against the per-rule series too; the developer board draws it.
      queries: [mathQuery('rules', byRule('BlockedRequests')), blocked.query],
      ...(blockedLinks.length > 0 ? { links: blockedLinks } : {}),
    },
    {
      type: 'timeSeries',
      ...common,
      title: `${id}: allowed by rule`,
      description: 'AllowedRequests per rule (rules with an explicit Allow action).',
      queries: [mathQuery('rules', byRule('AllowedRequests'))],
    },
    captcha && {
      type: 'timeSeries',
      ...common,
      title: `${id}: CAPTCHA by rule`,
      description: 'Requests the CAPTCHA action applied to, per rule, and those that carried a valid token.',
      queries: [
        mathQuery('shown', byRule('CaptchaRequests')),
        mathQuery('solved', byRule('RequestsWithValidCaptchaToken')),
      ],
    },
    captcha && {
      type: 'timeSeries',
      ...common,
      title: `${id}: CAPTCHA puzzles served`,
      description:
        'CAPTCHA requests without a valid token (missing, invalid or expired), each answered with the puzzle ' +
        '(HTTP 405): puzzles served, not failed solves.',
      queries: [
        metricQuery('captcha', cw(WAF, 'CaptchaRequests', all, 'Sum'), { hidden: true }),
        metricQuery('valid', cw(WAF, 'RequestsWithValidCaptchaToken', all, 'Sum'), { hidden: true }),
        mathQuery('served', 'FILL(captcha, 0) - FILL(valid, 0)', { label: 'puzzles served (no valid token)' }),
      ],
    },
    botControl && {
      type: 'timeSeries',
      ...common,
      title: `${id}: bot signals`,
      description:
        'Bot Control labels (bot categories and signals such as automated browsers) applied to requests by ' +
        'the AWS Bot Control managed rule group.',
      queries: [
        mathQuery(
          'bots',
          wafSearch(labelSchema, { LabelNamespace: 'awswaf:managed:aws:bot-control:bot:category', WebACL: webAcl }, 'Sum', PERIOD),
        ),
        mathQuery(
          'signals',
          wafSearch(labelSchema, { LabelNamespace: 'awswaf:managed:aws:bot-control:signal', WebACL: webAcl }, 'Sum', PERIOD),
        ),
      ],
    },
  ];
  return widgets.filter((w): w is Widget => w !== false);
}

function albWidgets(ctx: ResourceContext): Widget[] {
  const lb = ctx.dimensions.LoadBalancer;
  if (lb === undefined) return [];
  const dims = { LoadBalancer: lb };
  const id = ctx.resource.id;
  return [
    {
      type: 'timeSeries',
      title: `${id}: 4xx responses and expected band`,
      description:
        'Client errors from the load balancer and the targets; a spike above the anomaly band (2 standard ' +
        'deviations) often means scanning, credential stuffing or a broken client release.',
      width: 8,
      height: 7,
      periodSeconds: PERIOD,
      unit: 'count',
      thresholds: [],
      queries: [
        metricQuery('elb4xx', cw(ALB, 'HTTPCode_ELB_4XX_Count', dims, 'Sum'), { label: 'ELB 4xx' }),
        metricQuery('target4xx', cw(ALB, 'HTTPCode_Target_4XX_Count', dims, 'Sum'), { label: 'target 4xx' }),
        mathQuery('band', 'ANOMALY_DETECTION_BAND(target4xx, 2)', { label: 'expected target 4xx' }),
      ],
    },
    {
      type: 'timeSeries',
      title: `${id}: 4xx rate`,
      description: '4xx responses as a percentage of requests: spikes independent of traffic volume.',
      width: 8,
      height: 7,
      periodSeconds: PERIOD,
      unit: 'percent',
      thresholds: [],
      queries: [
        metricQuery('elb4xx', cw(ALB, 'HTTPCode_ELB_4XX_Count', dims, 'Sum'), { hidden: true }),
        metricQuery('target4xx', cw(ALB, 'HTTPCode_Target_4XX_Count', dims, 'Sum'), { hidden: true }),
        metricQuery('requests', cw(ALB, 'RequestCount', dims, 'Sum'), { hidden: true }),
        mathQuery('rate', 'IF(requests > 0, 100 * (FILL(elb4xx, 0) + FILL(target4xx, 0)) / requests, 0)', {
          label: '4xx % of requests',
        }),
      ],
    },
  ];
}

export function securitySections(contexts: readonly ResourceContext[]): DashboardSection[] {
  const sections: DashboardSection[] = [];
  for (const ctx of contexts) {
    if (ctx.family === 'waf') sections.push({ title: `WAF: ${ctx.resource.id}`, widgets: wafWidgets(ctx) });
    if (ctx.family === 'alb') sections.push({ title: `4xx spikes: ${ctx.resource.id}`, widgets: albWidgets(ctx) });
  }
  return sections.filter((s) => s.widgets.length > 0);
}
