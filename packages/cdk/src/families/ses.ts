import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { AlarmSeverity } from '../severity';
import { AlarmThreshold, type AlarmFamilyDefinitionProps, type CatalogueEntryProps } from './catalogue';
import { FamilyAlarms } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

/**
 * SES Developer Guide, "Reputation metrics messages" and "Creating reputation monitoring alarms using
 * CloudWatch": an account is placed under review at a 5 % bounce rate or a 0.1 % complaint rate, and
 * sending may be paused at 10 % / 0.5 %. The rates are computed over a representative volume of recent
 * mail, not per period, and exist only once the account has had a bounce or complaint.
 */
const SES_DOC =
  'SES Developer Guide, "Reputation metrics messages" (review at 5 % bounce / 0.1 % complaint, pause at 10 % / 0.5 %)';

const REPUTATION_MISSING =
  'SES recomputes the rate now and then, not every period, and not at all before the first bounce or complaint: a gap says nothing, so the alarm keeps its state';

const RUNBOOK_BOUNCE =
  'Bounces come from sending to addresses that do not exist: find the recipients in the bounce notifications (SNS/event destination), ' +
  'suppress them, check for a list import or a signup form without confirmation, and pause bulk mail until the rate falls.';
const RUNBOOK_COMPLAINT =
  'Recipients mark the mail as spam: find the campaigns or templates in the complaint notifications, stop mail people did not ask for, ' +
  'make unsubscribing one click, and suppress complainers.';

function rate(
  id: string,
  metricName: string,
  threshold: number,
  severity: AlarmSeverity,
  title: string,
  runbook: string,
): CatalogueEntryProps {
  return {
    id,
    title,
    metric: { namespace: 'AWS/SES', metricName, dimensionNames: [], statistic: 'Maximum' },
    threshold: AlarmThreshold.fixed(threshold),
    comparison: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // An hour always holds SES's latest figure; shorter periods would mostly be empty.
    period: Duration.hours(1),
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    treatMissingReason: REPUTATION_MISSING,
    severity,
    runbook,
    source: SES_DOC,
  };
}

/**
 * The `ses` family (account reputation in the stack's region), written with the public extension API.
 * Two levels per rate: a warning at half of SES's review level, which leaves time to clean the list
 * while mail still flows (AWS asks senders to stay well below the review levels), and a critical alarm
 * at the review level itself, where the next step is a sending pause.
 */
export const SES_FAMILY: AlarmFamilyDefinitionProps = {
  name: 'ses',
  entries: [
    rate(
      'ses.bounce-rate',
      'Reputation.BounceRate',
      0.025,
      AlarmSeverity.WARNING,
      'SES bounce rate at half the review level (2.5 %)',
      RUNBOOK_BOUNCE,
    ),
    rate(
      'ses.bounce-rate-review',
      'Reputation.BounceRate',
      0.05,
      AlarmSeverity.CRITICAL,
      'SES bounce rate at the review level (5 %)',
      RUNBOOK_BOUNCE,
    ),
    rate(
      'ses.complaint-rate',
      'Reputation.ComplaintRate',
      0.0005,
      AlarmSeverity.WARNING,
      'SES complaint rate at half the review level (0.05 %)',
      RUNBOOK_COMPLAINT,
    ),
    rate(
      'ses.complaint-rate-review',
      'Reputation.ComplaintRate',
      0.001,
      AlarmSeverity.CRITICAL,
      'SES complaint rate at the review level (0.1 %)',
      RUNBOOK_COMPLAINT,
    ),
  ],
};

/**
 * Family `ses`: the sending account's bounce and complaint rates in this stack's region (the
 * account-level figures SES reviews). One per account and region; `resourceId` defaults to the construct id.
 */
export class SesReputationAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: FamilyAlarmsOptions) {
    super(scope, id, 'ses', props);
    this._render([{ dimensions: {} }], {});
  }
}
