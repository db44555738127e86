import type { CatalogueAlarm } from '../model/alarms';
import { alarm, metric, NO_TRAFFIC_NOT_BREACHING } from './shared';

const NS = 'AWS/NATGateway';
const NAT = ['NatGatewayId'];

export const NAT_GATEWAY_ALARMS: readonly CatalogueAlarm[] = [
  alarm({
    id: 'natgateway.error-port-allocation',
    family: 'natgateway',
    title: 'NAT gateway could not allocate a source port',
    metric: metric(NS, 'ErrorPortAllocation', NAT, 'Sum'),
    threshold: { kind: 'fixed', value: 0 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 15,
    datapointsToAlarm: 15,
    treatMissingData: 'notBreaching',
    treatMissingReason: 'published only while the gateway handles traffic; no traffic, no port exhaustion',
    severity: 'critical',
    runbook:
      'Outbound connections fail: more than 55,000 concurrent connections to one destination. Find the ' +
      'connection-heavy clients (ActiveConnectionCount, VPC flow logs), reuse connections, or add gateways/IPs.',
  }),
  alarm({
    id: 'natgateway.packets-drop-rate',
    family: 'natgateway',
    title: 'NAT gateway dropping packets (percent of traffic)',
    expression: {
      expression: 'IF((fromSource + fromDestination) > 0, 100 * FILL(drops, 0) / (fromSource + fromDestination), 0)',
      metrics: {
        drops: metric(NS, 'PacketsDropCount', NAT, 'Sum'),
        fromSource: metric(NS, 'PacketsInFromSource', NAT, 'Sum'),
        fromDestination: metric(NS, 'PacketsInFromDestination', NAT, 'Sum'),
      },
    },
    threshold: { kind: 'fixed', value: 0.01 },
    comparison: 'GreaterThanThreshold',
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    treatMissingData: 'notBreaching',
    treatMissingReason: NO_TRAFFIC_NOT_BREACHING,
    severity: 'warning',
    runbook:
      'More than 0.01 % of packets are dropped: check the AWS Health Dashboard for NAT gateway issues in the AZ ' +
      'and bandwidth against the gateway limit (BytesOutToDestination); spread load over more gateways.',
  }),
];
