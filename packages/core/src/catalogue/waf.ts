import type { CatalogueAlarm } from '../model/alarms';
import { alarm } from './shared';

/**
 * "Spike over baseline" is a user-defined threshold on the 5-minute sum, not an
 * anomaly-detection band: a band is billed as 3 alarm metrics, needs two weeks
 * of history before it is useful, and a sustained attack becomes its own
 * baseline. `sre review` shows the observed baseline to set the number from.
 *
 * The Region dimension exists only for REGIONAL web ACLs; CloudFront-scoped ACLs
 * publish without it, in us-east-1 (resolveAlarms handles `scope: CLOUDFRONT`).
 */
export const WAF_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 'waf.blocked-requests',
    family: 'waf',
    title: 'WAF blocked requests spike',
    metric: {
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionNames: ['WebACL', 'Rule', 'Region'],
      statistic: 'Sum',
      fixedDimensions: { Rule: 'ALL' },
    },
    threshold: {
      kind: 'userDefined',
      suggested: 100,
      why: 'blocked requests per 5 minutes; set to about 3x the busiest normal 5 minutes of your baseline',
    },
    comparison: 'GreaterThanThreshold',
    periodSeconds: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    treatMissingData: 'notBreaching',
    treatMissingReason: 'published only when a request was blocked; no data means nothing was blocked',
    severity: 'warning',
    runbook:
      'Blocking jumped above the baseline: an attack (sampled requests show one source/path) or a false ' +
      'positive after a rule or app change (blocked requests from normal clients). Check sampled requests per rule.',
  }),
];
