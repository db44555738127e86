import type { AlarmEvent } from '../src/events/types';
import { emailSubject, renderEmail } from '../src/render/email';
import { SLACK_LIMITS } from '../src/render/limits';
import { renderSlack, type SlackBlock } from '../src/render/slack';
import { alarmView, humanDuration } from '../src/render/view';
import { fixtureEvent } from './helpers/fixtures';

const texts = (blocks: SlackBlock[]): string[] =>
  blocks.flatMap((b) => [
    ...(b.text ? [(b.text as { text: string }).text] : []),
    ...((b.fields as Array<{ text: string }> | undefined) ?? []).map((f) => f.text),
    ...((b.elements as Array<{ text: string }> | undefined) ?? []).map((e) => e.text),
  ]);

function expectWithinLimits(blocks: SlackBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
  for (const b of blocks) {
    if (b.type === 'header') expect(Array.from((b.text as { text: string }).text).length).toBeLessThanOrEqual(150);
    if (b.type === 'section' && b.text)
      expect(Array.from((b.text as { text: string }).text).length).toBeLessThanOrEqual(3000);
    const fields = (b.fields as Array<{ text: string }> | undefined) ?? [];
    expect(fields.length).toBeLessThanOrEqual(10);
    for (const f of fields) expect(Array.from(f.text).length).toBeLessThanOrEqual(2000);
  }
}

describe('Slack rendering', () => {
  it('shows state, severity, threshold, reason, console link with the region and the runbook', () => {
    const { text, blocks } = renderSlack([fixtureEvent('sns-metric-alarm.json')]);
    expect(text).toBe('🔴 FIRING · CRITICAL · goodgreets-api-lambda-errors');
    const all = texts(blocks).join('\n');
    expect(all).toContain('*Metric*\nAWS/Lambda Errors (FunctionName=goodgreets-api)');
    expect(all).toContain('*Statistic*\nSum');
    expect(all).toContain('*Period*\n60 s');
    expect(all).toContain('*Datapoints*\n3 of 3 to alarm');
    expect(all).toContain('*Threshold*\n&gt; 0');
    expect(all).toContain('*Reason*\nThreshold Crossed: 3 out of the last 3 datapoints');
    expect(all).toContain(
      '<https://eu-west-1.console.aws.amazon.com/cloudwatch/home?region=eu-west-1#alarmsV2:alarm/goodgreets-api-lambda-errors|',
    );
    expect(all).toContain('<https://runbooks.example.com/lambda/errors|Runbook>');
  });

  it('derives burn rate, budget spent and time to exhaustion for SLO alarms', () => {
    const view = alarmView(fixtureEvent('sns-metric-math-alarm.json'));
    // 0.0216 error ratio / 0.001 budget = 21.6x; 21.6 x 1h / 30d = 3 %; 30d / 21.6 = 33h20m.
    expect(view.burn?.currentBurnRate).toBeCloseTo(21.6, 10);
    expect(view.burn?.thresholdBurnRate).toBe(14.4);
    expect(view.burn?.budgetSpentInWindow).toBeCloseTo(0.03, 10);
    expect(view.burn?.secondsToExhaustion).toBeCloseTo(120000, 3);
    const all = texts(renderSlack([view.event]).blocks).join('\n');
    expect(all).toContain('SLO api-availability (objective 99.9%, over 30d)');
    expect(all).toContain('Burn rate 21.6x now (tier threshold 14.4x)');
    expect(all).toContain('Budget spent in the last 1h: 3% of the 30d budget');
    expect(all).toContain(
      'Budget left over the 30d period: not available (no CloudWatch lookup in this run; the Lambda reads it)',
    );
    expect(all).toContain('A full 30d budget is gone in 1d 9h at the current burn');
  });

  it('uses the SLO period of the metadata and the budget the Lambda read', () => {
    const base = fixtureEvent('sns-metric-math-alarm.json');
    const event = { ...base, metadata: { ...base.metadata, periodSeconds: 28 * 86400 } };
    // 21.6x over a 28d period: a full budget lasts 28d / 21.6 = 31h6m40s; half of it 15h33m.
    expect(alarmView(event).burn?.secondsToExhaustion).toBeCloseTo((28 * 86400) / 21.6, 3);
    const read = renderSlack([{ ...event, budget: { budgetRemaining: 0.5 } }]);
    const readText = texts(read.blocks).join('\n');
    expect(readText).toContain('Budget spent in the last 1h: 3.214% of the 28d budget');
    expect(readText).toContain('Budget left over the 28d period: 50%');
    expect(readText).toContain('The budget left is gone in 15h 33m at the current burn');
    const failed = texts(
      renderSlack([{ ...event, budget: { error: 'GetMetricData took longer than 2000 ms' } }]).blocks,
    );
    expect(failed.join('\n')).toContain(
      'Budget left over the 28d period: unknown (GetMetricData took longer than 2000 ms)',
    );
    const noPeriod = { ...base, metadata: { ...base.metadata, periodSeconds: undefined } };
    expect(texts(renderSlack([noPeriod]).blocks).join('\n')).toContain(
      'Time to exhaustion unknown: the alarm metadata has no SLO period',
    );
  });

  it('lists composite children and anomaly bands', () => {
    expect(texts(renderSlack([fixtureEvent('sns-composite-alarm.json')]).blocks).join('\n')).toContain(
      '*Triggering children*\n• goodgreets-api-availability-page-1h: ALARM\n• goodgreets-api-availability-page-5m: ALARM',
    );
    expect(texts(renderSlack([fixtureEvent('sns-anomaly-band-alarm.json')]).blocks).join('\n')).toContain(
      '*Band*\nDuration (expected): ANOMALY_DETECTION_BAND(m1, 2)',
    );
  });

  it('labels resolved, no-data and drill notifications at a glance', () => {
    expect(renderSlack([fixtureEvent('sns-ok.json')]).text).toBe(
      '✅ RESOLVED · CRITICAL · goodgreets-api-lambda-errors',
    );
    expect(renderSlack([fixtureEvent('sns-insufficient-data.json')]).text).toBe(
      '⚪ NO DATA · WARNING · goodgreets-rds-cpu',
    );
    const drill = renderSlack([{ ...fixtureEvent('sns-metric-alarm.json'), drill: true }]);
    expect(drill.text).toBe('🔴 DRILL · FIRING · CRITICAL · goodgreets-api-lambda-errors');
    expect(texts(drill.blocks).join('\n')).toContain('*This is a drill*');
  });

  it('renders the EventBridge shapes with the same facts as their SNS twins', () => {
    const math = texts(renderSlack([fixtureEvent('eventbridge-metric-math.json')]).blocks).join('\n');
    expect(math).toContain('*Expression*\nError ratio (1h): IF(total &gt; 0, bad / total, 0)');
    expect(math).toContain(
      '*bad*\nAWS/ApplicationELB HTTPCode_Target_5XX_Count (LoadBalancer=app/goodgreets/50dc6c495c0c9188) Sum [bad]',
    );
    expect(math).toContain('*Threshold*\n0.0144');
    expect(math).toContain('Burn rate 21.6x now (tier threshold 14.4x)');

    const band = texts(renderSlack([fixtureEvent('eventbridge-anomaly-band.json')]).blocks).join('\n');
    expect(band).toContain('*Metric*\nAWS/Lambda Duration (FunctionName=goodgreets-thumbnailer) p90 [m1]');
    expect(band).toContain('*Band*\nDuration (expected): ANOMALY_DETECTION_BAND(m1, 2)');
    expect(band).toContain('*Threshold*\noutside the band ad1');

    const ok = renderSlack([fixtureEvent('eventbridge-ok.json')]);
    expect(ok.text).toBe('✅ RESOLVED · WARNING · goodgreets-alb-target-5xx');
    expect(texts(ok.blocks).join('\n')).toContain('*State*\nALARM → OK');

    const noData = renderSlack([fixtureEvent('eventbridge-insufficient-data.json')]);
    expect(noData.text).toBe('⚪ NO DATA · WARNING · goodgreets-rds-cpu');
    const noDataText = texts(noData.blocks).join('\n');
    expect(noDataText).toContain('*Reason*\nInsufficient Data: 5 datapoints were unknown.');
    expect(noDataText).not.toContain('*Observed*');
  });

  it('emails the EventBridge shapes', () => {
    expect(renderEmail([fixtureEvent('eventbridge-anomaly-band.json')]).body).toMatch(/Band +Duration \(expected\)/);
    expect(renderEmail([fixtureEvent('eventbridge-ok.json')]).subject).toBe(
      '[WARNING] RESOLVED - WARNING - goodgreets-alb-target-5xx',
    );
  });

  it('truncates huge texts and escapes mrkdwn in user text', () => {
    const base = fixtureEvent('sns-metric-alarm.json');
    const huge: AlarmEvent = {
      ...base,
      alarmName: `<!channel> ${'n'.repeat(300)}`,
      description: 'd'.repeat(10_000),
      reason: 'r'.repeat(10_000),
      trigger: { ...base.trigger, metric: { namespace: 'X', metricName: 'm'.repeat(5000), dimensions: {} } },
    };
    const { text, blocks } = renderSlack([huge]);
    expectWithinLimits(blocks);
    // The header is plain_text (never parsed); everything parsed as mrkdwn is escaped.
    expect(texts(blocks.filter((b) => b.type !== 'header')).join('\n')).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(texts(blocks).some((t) => t.endsWith('…'))).toBe(true);
  });

  it('fits a group of 200 alarms into 50 blocks and names the ones left out', () => {
    const base = fixtureEvent('sns-metric-alarm.json');
    const many = Array.from({ length: 200 }, (_, i) => ({
      ...base,
      alarmName: `alarm-${i}`,
      alarmArn: `${base.alarmArn}-${i}`,
    }));
    const { text, blocks } = renderSlack(many);
    expectWithinLimits(blocks);
    expect(blocks).toHaveLength(50);
    expect(text).toMatch(/^200 alarms \(200 firing\)/);
    const last = texts([blocks.at(-1)!])[0];
    expect(last).toMatch(/^…and 184 more: alarm-16, alarm-17/);
  });
});

describe('email rendering', () => {
  it('writes a readable plain-text body with the same facts', () => {
    const { subject, body } = renderEmail([fixtureEvent('sns-metric-math-alarm.json')]);
    expect(subject).toBe('[CRITICAL] FIRING - CRITICAL - goodgreets-api-availability-page-1h');
    expect(body).toContain('Threshold     > 0.0144');
    expect(body).toContain('Burn rate 21.6x now (tier threshold 14.4x)');
    expect(body).toContain('Runbook:    https://runbooks.example.com/slo/api-availability');
    expect(body).not.toMatch(/[*<>]{2}/);
  });

  it('keeps SNS subjects ASCII, single-line and under 100 characters', () => {
    const s = emailSubject(`🔴 FIRING · ${'x'.repeat(200)}\nnext`);
    expect(s.length).toBeLessThan(100);
    expect(s).toMatch(/^[\x20-\x7e]+$/);
    expect(s.endsWith('...')).toBe(true);
  });

  it('formats durations with the two largest units', () => {
    expect([humanDuration(59), humanDuration(3600), humanDuration(93784), humanDuration(120000)]).toEqual([
      '59s',
      '1h',
      '1d 2h',
      '1d 9h',
    ]);
  });
});
