import type { MetricsContractProps, PublishedMetricProps } from '@sre-kit/cdk';

/**
 * GoodGreets' own metrics, as the code that publishes them does: the contract `sre verify` checks the
 * custom-namespace alarms against (declared on the publishing resources as SreKit::PublishedMetrics)
 * and the API's metrics-contract test checks the emitters against (reference-app/api/test).
 */
export const METRICS_NAMESPACE = 'GoodGreets';
/** The Environment dimension value of every GoodGreets metric (API scrape target label, Lambda EMF). */
export const ENVIRONMENT = 'production';

const emf = (name: string, unit: string): PublishedMetricProps => ({ name, unit, dimensions: [['Environment']] });

/** EMF each Lambda writes (reference-app/api/src/emf.ts). */
export const LAMBDA_METRICS = {
  delivery: [emf('DeliveriesSent', 'Count'), emf('DeliveriesFailed', 'Count'), emf('DeliveryLagSeconds', 'Seconds')],
  thumbnailer: [emf('ThumbnailLatencySeconds', 'Seconds')],
  emailEvents: [emf('DeliveryProblems', 'Count')],
} as const satisfies Record<string, readonly PublishedMetricProps[]>;

/** What the CloudWatch agent beside the API forwards from /metrics: these families, with these dimension sets. */
export const API_AGENT_SELECTORS = ['^goodgreets_'];
export const API_AGENT_DIMENSIONS = [['Environment'], ['Environment', 'result'], ['Environment', 'result', 'reason']];

export function contract(metrics: readonly PublishedMetricProps[]): MetricsContractProps {
  return { namespace: METRICS_NAMESPACE, metrics: [...metrics] };
}

export const API_AGENT_METRICS: readonly PublishedMetricProps[] = API_AGENT_SELECTORS.map((pattern) => ({
  pattern,
  dimensions: API_AGENT_DIMENSIONS,
}));

/**
 * Per-route RED the API sends to the agent's EMF listener (reference-app/api/src/route-emf.ts): bounded
 * labels only (method, route template, status class), so the custom metrics billed grow with routes.
 */
export const API_ROUTE_METRICS: readonly PublishedMetricProps[] = [
  {
    name: 'http_requests_total',
    unit: 'Count',
    dimensions: [
      ['Environment', 'method', 'route', 'status_class'],
      ['Environment', 'method', 'route'],
    ],
  },
  { name: 'http_request_duration_seconds', unit: 'Seconds', dimensions: [['Environment', 'method', 'route']] },
];
/** Where the agent listens for EMF (TCP, the task's shared network namespace). */
export const AGENT_EMF_ENDPOINT = 'tcp://127.0.0.1:25888';
