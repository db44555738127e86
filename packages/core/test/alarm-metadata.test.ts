import fc from 'fast-check';
import {
  ALARM_DESCRIPTION_MAX,
  AlarmDescriptionError,
  alarmMetadataFromTags,
  alarmMetadataTags,
  formatAlarmDescription,
  formatAlarmMetadataLine,
  isClassified,
  mergeAlarmMetadata,
  parseAlarmDescription,
  renderedLength,
  type AlarmMetadataInput,
} from '../src/alarm-metadata';

const page: AlarmMetadataInput = {
  severity: 'critical',
  family: 'slo',
  service: 'goodgreets',
  slo: 'api-availability',
  tier: 'page-1h',
  role: 'tier',
  burnRate: 14.4,
  longWindowSeconds: 3600,
  shortWindowSeconds: 300,
  periodSeconds: 28 * 86400,
  objective: 0.999,
  sli: 'errorRatio',
  longAlarm: 'goodgreets-api-availability-page-1h-long',
  runbook: 'https://runbooks.example.com/slo/api-availability?section=page#now',
  dashboard: 'goodgreets-slo',
  labels: { team: 'cards' },
};

// A CDK-like token: `${Token[NAME.123]}`, resolved at deploy time.
const TOKEN = /\$\{Token\[[^\]]+\]\}/g;
const deferred = { pattern: TOKEN, maxLength: () => 20 };

describe('alarm metadata contract', () => {
  it('round-trips every field through the description', () => {
    const d = formatAlarmDescription('[critical] SLO api-availability burning fast.', page, { alarmName: 'a' });
    const parsed = parseAlarmDescription(d);
    expect(parsed.warnings).toEqual([]);
    expect(parsed.found).toBe(true);
    expect(parsed.text).toBe('[critical] SLO api-availability burning fast.');
    expect(parsed.metadata).toEqual({ ...page });
  });

  it('writes durations as spec strings and a version', () => {
    expect(formatAlarmMetadataLine({ severity: 'warning', periodSeconds: 7 * 86400, longWindowSeconds: 5400 })).toBe(
      'sre-kit:{"v":1,"severity":"warning","longWindow":"1h30m","period":"7d"}',
    );
  });

  it('shortens the human text first and never cuts the machine line', () => {
    const long = 'x'.repeat(5000);
    const d = formatAlarmDescription(long, page, { alarmName: 'a' });
    expect(d.length).toBe(ALARM_DESCRIPTION_MAX);
    const [human, line] = d.split('\n');
    expect(human.endsWith('...')).toBe(true);
    expect(line).toBe(formatAlarmMetadataLine(page));
    expect(parseAlarmDescription(d).metadata).toEqual(page);
  });

  it('keeps a description that fits exactly as it is', () => {
    const line = formatAlarmMetadataLine(page);
    const text = 'y'.repeat(ALARM_DESCRIPTION_MAX - line.length - 1);
    expect(formatAlarmDescription(text, page, { alarmName: 'a' })).toBe(`${text}\n${line}`);
    expect(formatAlarmDescription(`${text}z`, page, { alarmName: 'a' }).split('\n')[0]).toMatch(/\.\.\.$/);
  });

  it('fails naming the alarm when the machine line alone cannot fit', () => {
    const meta = { ...page, runbook: `https://runbooks.example.com/${'r'.repeat(1000)}` };
    expect(() => formatAlarmDescription('text', meta, { alarmName: 'Stack/Kit/Slo-api/page-1h' })).toThrow(
      AlarmDescriptionError,
    );
    expect(() => formatAlarmDescription('text', meta, { alarmName: 'Stack/Kit/Slo-api/page-1h' })).toThrow(
      /alarm Stack\/Kit\/Slo-api\/page-1h: .* needs \d+ characters .* \(runbook 1029, .*shorten the runbook/,
    );
  });

  it('counts deferred values at their maximum and never cuts one', () => {
    const token = '${Token[AWS.Region.12]}';
    const meta = { ...page, dashboard: `https://${token}.console.aws.amazon.com/cloudwatch/home?region=${token}` };
    const line = formatAlarmMetadataLine(meta);
    expect(renderedLength(line, deferred)).toBe(line.length - 2 * token.length + 40);
    // Human text whose cut point falls inside a token: the token is dropped whole, not split.
    const room = ALARM_DESCRIPTION_MAX - renderedLength(line, deferred) - 1;
    const text = `${'a'.repeat(room - 10)} in ${token} and more words after it`;
    const d = formatAlarmDescription(text, meta, { alarmName: 'a', deferred });
    const human = d.split('\n')[0];
    expect(human).not.toContain('${Token[AWS');
    expect(renderedLength(d, deferred)).toBeLessThanOrEqual(ALARM_DESCRIPTION_MAX);
    expect(parseAlarmDescription(d).metadata.dashboard).toBe(meta.dashboard);
  });

  it('stays within the limit for any text and any fitting metadata (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2000 }), fc.string({ maxLength: 400 }), (text, runbook) => {
        const meta = { ...page, runbook };
        const d = formatAlarmDescription(text, meta, { alarmName: 'a' });
        expect(d.length).toBeLessThanOrEqual(ALARM_DESCRIPTION_MAX);
        expect(parseAlarmDescription(d).metadata.runbook).toBe(runbook || undefined);
      }),
    );
  });

  it('reads descriptions without a machine line as human text only', () => {
    const parsed = parseAlarmDescription('Managed by hand.\nSecond line');
    expect(parsed).toEqual({
      text: 'Managed by hand.\nSecond line',
      metadata: { labels: {} },
      found: false,
      warnings: [],
    });
  });

  it('turns bad fields into warnings and keeps the good ones', () => {
    const parsed = parseAlarmDescription(
      'text\nsre-kit:{"v":2,"severity":"urgent","service":"s","burnRate":"fast","longWindow":"soon","objective":99.9,"labels":{"a":1}}',
    );
    expect(parsed.metadata).toEqual({ service: 's', labels: {} });
    expect(parsed.warnings).toEqual([
      'metadata version 2 is newer than this reader (1); reading the fields it knows',
      'metadata.severity must be one of critical, warning, info',
      'metadata.burnRate must be a number',
      'metadata.objective must be in (0, 1)',
      'metadata.longWindow is not a duration like 1h or 30d: soon',
      'metadata.labels.a must be a string',
    ]);
    expect(parseAlarmDescription('a\nsre-kit:{oops').warnings[0]).toMatch(/not JSON/);
  });

  it('tags carry the same fields and fill only what a description lacks', () => {
    const tags = alarmMetadataTags(page);
    expect(tags).toMatchObject({
      'sre-kit:severity': 'critical',
      'sre-kit:period': '28d',
      'sre-kit:long-window': '1h',
      'sre-kit:burn-rate': '14.4',
    });
    const fromTags = alarmMetadataFromTags({ ...tags, team: 'payments', 'aws:cloudformation:stack-name': 'x' });
    expect(fromTags).toMatchObject({
      severity: 'critical',
      periodSeconds: 28 * 86400,
      objective: 0.999,
      labels: { team: 'payments' },
    });
    const merged = mergeAlarmMetadata({ severity: 'warning', labels: { team: 'cards' } }, fromTags);
    expect(merged.severity).toBe('warning');
    expect(merged.slo).toBe('api-availability');
    expect(merged.labels).toEqual({ team: 'cards' });
    expect(alarmMetadataFromTags({ 'sre-kit:objective': '99.9', 'sre-kit:slo': 'x' })).toMatchObject({
      objective: 0.999,
      family: 'slo',
    });
  });

  it('calls a description classified when it says severity, family and service', () => {
    expect(isClassified(parseAlarmDescription(formatAlarmDescription('', page, { alarmName: 'a' })).metadata)).toBe(
      true,
    );
    expect(isClassified({ severity: 'critical', labels: {} })).toBe(false);
    expect(isClassified({ drill: true, labels: {} })).toBe(true);
  });
});
