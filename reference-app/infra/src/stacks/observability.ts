import * as path from 'node:path';
import { Duration, Stack, StackProps } from 'aws-cdk-lib';
import { AlarmSeverity, AlertRouter, QueueRole, SloReviewSchedule, SreKit } from '@sre-kit/cdk';
import { Construct } from 'constructs';
import type { GoodGreetsConfig } from '../config';
import type { ApiStack } from './api';
import { REPO_ROOT } from './api';
import type { DataStack } from './data';
import type { EdgeStack } from './edge';
import type { NetworkStack } from './network';
import type { StorageStack } from './storage';
import { DELIVERY_DEAD_LETTER_RETRIES, type WorkersStack } from './workers';

export interface ObservabilityStackProps extends StackProps {
  readonly config: GoodGreetsConfig;
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  readonly workers: WorkersStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
}

/** The specs GoodGreets is monitored by: the same files `sre validate` / `sre cost` read. */
export const SPEC_PATHS = [path.join(REPO_ROOT, 'slos'), path.join(REPO_ROOT, 'alarms')];
export const ROUTING_FILE = path.join(REPO_ROOT, 'alarms', 'routing.yaml');
/** When GoodGreets reviews its SLOs: Monday 09:00 in the team's zone (the routing's quiet hours are Berlin's too). */
export const WEEKLY_REVIEW = { schedule: 'cron(0 9 ? * MON *)', timeZone: 'Europe/Berlin' } as const;

/**
 * sre-kit applied to GoodGreets: every resource id of alarms/goodgreets.yaml is mapped onto the
 * construct it names (an unmapped one fails synth), the SLOs of slos/ read the real load balancer
 * and distribution, the three audience dashboards plus the SLO dashboard, and the alert router
 * with alarms/routing.yaml (Slack webhooks from Secrets Manager, critical alerts also by email).
 * The queues and the SES account get the kit's sqs and ses families (registered through its extension API).
 * Every Monday morning the SLOs of slos/ are reviewed from CloudWatch and the digest goes to the team channel.
 */
export class ObservabilityStack extends Stack {
  readonly kit: SreKit;
  readonly router: AlertRouter;
  readonly weeklyReview: SloReviewSchedule;

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    const { api, data, edge, network, storage, workers, config } = props;

    // Spec dimension values are placeholders; the SLO metrics (alarms and reviews) must read the deployed resources.
    const dimensionValues = {
      LoadBalancer: api.loadBalancer.loadBalancerFullName,
      TargetGroup: api.targetGroup.targetGroupFullName,
      DistributionId: edge.distribution.distributionId,
      ProxyName: data.proxy.dbProxyName,
      // Ref of a schedule group is its name.
      ScheduleGroup: workers.scheduleGroup.ref,
    };
    this.kit = new SreKit(this, 'Sre', {
      service: 'goodgreets',
      specPaths: SPEC_PATHS,
      emails: [{ address: config.alertEmail }],
      dashboards: true,
      dimensionValues,
    });
    this.router = new AlertRouter(this, 'AlertRouter', {
      routingFile: ROUTING_FILE,
      topics: this.kit.topics,
      operatorEmails: [config.alertEmail],
    });
    // The router's health alarms bypass the router (they email the operators) but are billed all the same.
    this.kit.priceAlarms('alert-router', 'router health alarm', this.router.alarms);
    this.weeklyReview = new SloReviewSchedule(this, 'WeeklyReview', {
      specPaths: [path.join(REPO_ROOT, 'slos')],
      dimensionValues,
      // The team channel's webhook, the secret alarms/routing.yaml already names for it.
      webhookSecret: 'goodgreets/slack/team',
      ...WEEKLY_REVIEW,
      topics: this.kit.topics,
    });
    this.kit.priceAlarms('slo-review', 'SLO review failure alarm', this.weeklyReview.alarms);

    this.kit.monitorLambda('delivery', workers.deliveryFunction);
    this.kit.monitorLambda('delivery-dead-letters', workers.deadLetterFunction);
    this.kit.monitorLambda('email-events', workers.emailEventsFunction);
    this.kit.monitorLambda('thumbnailer', workers.thumbnailFunction);
    this.kit.monitorLambda('alert-router', this.router.routerFunction);
    this.kit.monitorEcsService('api', api.service);
    this.kit.monitorBucket('images', storage.images);
    this.kit.monitorLoadBalancer('api', api.loadBalancer, { targetGroups: [api.targetGroup] });
    this.kit.monitorDatabaseInstance('database', data.database);
    this.kit.monitorWebAcl('regional', edge.regionalWebAcl);
    this.kit.monitorWebAcl('cloudfront', edge.webAcl);
    const [natA, natB] = network.natGatewayIds;
    this.kit.monitorNatGateway('nat-a', natA);
    this.kit.monitorNatGateway('nat-b', natB);

    this.monitorQueues(workers);
    this.monitorMailReputation();
  }

  private monitorQueues(workers: WorkersStack): void {
    this.kit.monitorQueue('thumbnail-dead-letters', workers.thumbnailDeadLetters, {
      role: QueueRole.DEAD_LETTER,
      // One design lacks its display and thumbnail versions; a systemic failure pages through the
      // thumbnail-freshness SLO and the thumbnailer's errors alarm (the family's default: warning).
      overrides: {
        'sqs.dead-letter-messages-visible': {
          runbook:
            'A thumbnail failed after the retries of Lambda and EventBridge. Read the record and the thumbnailer logs, fix, then redrive the queue.',
        },
      },
    });
    // The consumer takes each record in flight within seconds and marks its card failed, so the depth
    // stays 0: arrivals are what say a card was not delivered. The owner already sees the card failed;
    // many failures page through the delivery SLO and the delivery function's errors alarm.
    this.kit.monitorQueue('delivery-dead-letters', workers.deliveryDeadLetters, {
      role: QueueRole.CONSUMED_DEAD_LETTER,
      overrides: {
        'sqs.dead-letter-messages-sent': {
          runbook:
            'A card was not delivered after the retries (Lambda on-failure or Scheduler dead letter); its card is marked failed. Read the delivery logs for the cause.',
        },
      },
    });
    // Nothing drains it: a visible message is a bounce or complaint some owner was not told about. One card
    // shows "sent" though its email bounced; the SES bounce-rate alarms cover a systemic problem.
    this.kit.monitorQueue('email-event-dead-letters', workers.emailEventDeadLetters, {
      role: QueueRole.DEAD_LETTER,
      overrides: {
        'sqs.dead-letter-messages-visible': {
          runbook:
            'An SES bounce or complaint was not recorded on its card (unreadable, no card with that SES message id, or the database failed through the retries). Read the record and the email-events logs, fix, then redrive it to the EmailEvents consumer.',
        },
      },
    });
    // SQS keeps a record's first enqueue time when it redrives it, so a parked record is already as old as
    // the consumer's tries (5 x 180 s); the bound adds 45 minutes for whoever the consumer's errors alarm
    // paged to fix and redrive before this one reports the same incident again. Nothing consumes the
    // parking queue, so the drain-rate backlog would only repeat the age alarm: it is off.
    const { visibilityTimeout, maxReceiveCount } = DELIVERY_DEAD_LETTER_RETRIES;
    const parkedAfter = visibilityTimeout.toSeconds() * maxReceiveCount;
    this.kit.monitorQueue('delivery-parking', workers.deliveryParking, {
      role: QueueRole.WORK,
      overrides: {
        // One card, neither delivered nor marked failed, that nothing will retry: an operator must act
        // within the queue's 14 days, in working hours (the family's default: warning).
        'sqs.oldest-message-age': {
          threshold: Duration.seconds(parkedAfter).plus(Duration.minutes(45)).toSeconds(),
          runbook:
            'The dead-letter consumer gave up on a failed delivery: its owner was not told. Read the parked record, fix the cause, then redrive it to DeliveryDeadLetters.',
        },
        'sqs.backlog-minutes': { enabled: false },
      },
    });
  }

  /**
   * The ses family warns at half of SES's review levels (2.5 % bounce, 0.05 % complaint) and is critical
   * at the review levels (5 %, 0.1 %). GoodGreets keeps the review level a warning: mail still goes out,
   * the list or content needs fixing in working hours; a pause (10 % / 0.5 %) stops deliveries, which the
   * delivery SLO and errors alarm page for.
   */
  private monitorMailReputation(): void {
    const runbook =
      'Find the cause in the GoodGreets bounces and complaints topic (EmailEvents) and the SES reputation page before AWS pauses sending.';
    this.kit.monitorSesReputation('account', {
      overrides: {
        'ses.bounce-rate': { runbook },
        'ses.complaint-rate': { runbook },
        'ses.bounce-rate-review': { runbook, severity: AlarmSeverity.WARNING },
        'ses.complaint-rate-review': { runbook, severity: AlarmSeverity.WARNING },
      },
    });
  }
}
