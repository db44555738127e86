/**
 * Edges of the OpenSLO SLO reader: what is required, where each problem is reported, and what the model holds
 * for the parts a spec may leave out (period, names, optional fields). Each case is the builders' valid SLO
 * changed in one place, so a diagnostic list of exactly the expected lines means nothing else moved.
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { slo, splitSli } from './spec-errors/builders';

const load = (...texts: string[]) => loadSpecTexts(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));

const TIME_WINDOW = '  timeWindow:\n    - duration: 30d\n      isRolling: true\n';
const OBJECTIVES = '  objectives:\n    - displayName: good\n      target: 0.999\n';
const INDICATOR = / {2}indicator:\n[\s\S]*?(?= {2}timeWindow)/;
const withWindow = (window: string) => slo({ [TIME_WINDOW]: window });
const withObjectives = (objectives: string) => slo({ [OBJECTIVES]: objectives });
const annotated = (lines: string) =>
  slo({ '  name: api-availability\n': `  name: api-availability\n  annotations:\n${lines}` });
const PROMETHEUS_THRESHOLD = `  indicator:
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec: { query: 'histogram_quantile(0.99, rate(latency_bucket[5m]))' }
`;
const threshold = (objectiveLines: string) =>
  slo({ '      target: 0.999\n': `      target: 0.999\n${objectiveLines}` }).replace(INDICATOR, PROMETHEUS_THRESHOLD);
const method = (name: string, objectiveLines = '') =>
  slo({
    '  budgetingMethod: Occurrences': `  budgetingMethod: ${name}`,
    '      target: 0.999\n': `      target: 0.999\n${objectiveLines}`,
  });
const BAD_DURATION = '(write a count and a unit: m, h, d, w, M (month), Q (quarter) or Y, e.g. 30d or 1M)';
const CANNOT_FIRE = '(raise the objective, or use AlertWindows with smaller budget fractions or longer windows)';

describe('a refused OpenSLO SLO is reported where the spec author must fix it, and yields no SLO', () => {
  it.each([
    [
      'no timeWindow',
      () => slo({ [TIME_WINDOW]: '' }),
      ['f0.yaml:5:1: spec.timeWindow: missing timeWindow (a list with one window)'],
    ],
    [
      'an empty timeWindow',
      () => withWindow('  timeWindow: []\n'),
      ['f0.yaml:29:3: spec.timeWindow: timeWindow must hold exactly one window, got 0'],
    ],
    [
      'a window that is not a mapping',
      () => withWindow('  timeWindow: [30d]\n'),
      ['f0.yaml:29:16: spec.timeWindow[0]: expected a time window, got string "30d"'],
    ],
    [
      'a window without duration',
      () => withWindow('  timeWindow:\n    - isRolling: true\n'),
      ['f0.yaml:30:7: spec.timeWindow[0].duration: missing a string'],
    ],
    [
      'a duration with text before it',
      () => withWindow('  timeWindow:\n    - duration: x7d\n'),
      [`f0.yaml:30:17: spec.timeWindow[0].duration: bad duration "x7d" ${BAD_DURATION}`],
    ],
    [
      'a duration with text after it',
      () => withWindow('  timeWindow:\n    - duration: 7dx\n'),
      [`f0.yaml:30:17: spec.timeWindow[0].duration: bad duration "7dx" ${BAD_DURATION}`],
    ],
    [
      'a zero duration',
      () => withWindow('  timeWindow:\n    - duration: 0d\n'),
      [`f0.yaml:30:17: spec.timeWindow[0].duration: bad duration "0d" ${BAD_DURATION}`],
    ],
    [
      'both indicator and indicatorRef',
      () => slo({ '  indicator:\n': '  indicatorRef: x\n  indicator:\n' }),
      ['f0.yaml:7:17: spec.indicatorRef: indicator and indicatorRef are both given (keep one of them)'],
    ],
    [
      'no indicator',
      () => slo().replace(INDICATOR, ''),
      ['f0.yaml:5:1: spec.indicator: missing indicator or indicatorRef'],
    ],
    [
      'a threshold objective without op and value',
      () => threshold(''),
      [
        'f0.yaml:18:7: spec.objectives[0].op: missing op (lt, lte, gt or gte) for the thresholdMetric',
        'f0.yaml:18:7: spec.objectives[0].value: missing value (the threshold) for the thresholdMetric',
      ],
    ],
    [
      'a threshold objective with an unknown op',
      () => threshold('      op: eq\n      value: 2\n'),
      ['f0.yaml:20:11: spec.objectives[0].op: unknown op "eq" (did you mean "lt"?)'],
    ],
    ['no spec', () => 'apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: x\n', ['f0.yaml:1:1: spec: missing spec']],
    [
      'no budgetingMethod',
      () => slo({ '  budgetingMethod: Occurrences\n': '' }),
      ['f0.yaml:5:1: spec.budgetingMethod: missing budgetingMethod'],
    ],
    ['no objectives', () => withObjectives(''), ['f0.yaml:5:1: spec.objectives: missing objectives']],
    [
      'an empty objectives list',
      () => withObjectives('  objectives: []\n'),
      ['f0.yaml:33:3: spec.objectives: an SLO needs at least one objective'],
    ],
    [
      'an objective that is not a mapping',
      () => withObjectives('  objectives: [0.99]\n'),
      ['f0.yaml:33:16: spec.objectives[0]: expected an objective, got number 0.99'],
    ],
    [
      'an empty window',
      () => withWindow('  timeWindow: [~]\n'),
      ['f0.yaml:29:16: spec.timeWindow[0]: missing a time window'],
    ],
    [
      'an empty objective',
      () => withObjectives('  objectives: [~]\n'),
      ['f0.yaml:33:16: spec.objectives[0]: missing an objective'],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text());
    expect(set.diagnostics.map(formatDiagnostic)).toEqual(expected);
    expect(set.slos).toEqual([]);
  });
});

describe('an accepted OpenSLO SLO with a located problem still loads', () => {
  it.each([
    [
      'two windows (the first is used)',
      () => withWindow('  timeWindow:\n    - duration: 30d\n    - duration: 7d\n'),
      ['f0.yaml:29:3: spec.timeWindow: timeWindow must hold exactly one window, got 2'],
    ],
    [
      'a calendar on a rolling window',
      () =>
        withWindow(
          "  timeWindow:\n    - duration: 1M\n      isRolling: true\n      calendar: { startTime: '2024-01-01 00:00:00', timeZone: UTC }\n",
        ),
      ['f0.yaml:32:7: spec.timeWindow[0].calendar: calendar applies only when isRolling is false'],
    ],
    [
      'a calendar without startTime and timeZone',
      () => withWindow('  timeWindow:\n    - duration: 1Q\n      calendar: { }\n'),
      [
        'f0.yaml:31:7: spec.timeWindow[0].calendar.startTime: missing a string',
        'f0.yaml:31:7: spec.timeWindow[0].calendar.timeZone: missing timeZone',
      ],
    ],
    [
      'labels without a value',
      () => slo({ '  name: api-availability\n': '  name: api-availability\n  labels:\n    team:\n    tier: [a, ~]\n' }),
      [
        'f0.yaml:6:10: metadata.labels.team: missing a string',
        'f0.yaml:7:15: metadata.labels.tier[1]: missing a string',
      ],
    ],
    [
      'labels that are not a mapping',
      () => slo({ '  name: api-availability\n': '  name: api-availability\n  labels: payments\n' }),
      ['f0.yaml:5:11: metadata.labels: expected a mapping, got string "payments"'],
    ],
    ['no service', () => slo({ '  service: goodgreets\n': '' }), ['f0.yaml:5:1: spec.service: missing service']],
    [
      'a misspelt sre-kit annotation (other prefixes are free)',
      () => annotated('    sre-kit/runbok: https://x\n    other/sre-kit/: y\n'),
      [
        'f0.yaml:6:5: metadata.annotations["sre-kit/runbok"]: unknown sre-kit annotation "sre-kit/runbok" (did you mean "sre-kit/runbook"?)',
      ],
    ],
    [
      'a runbook that only contains a URL',
      () => annotated('    sre-kit/runbook: xhttps://a\n'),
      ['f0.yaml:6:22: metadata.annotations["sre-kit/runbook"]: runbook must be an http(s) URL'],
    ],
    [
      'a runbook with a space',
      () => annotated('    sre-kit/runbook: https://a b\n'),
      ['f0.yaml:6:22: metadata.annotations["sre-kit/runbook"]: runbook must be an http(s) URL'],
    ],
    [
      'a composite objective',
      () => withObjectives('  objectives:\n    - target: 0.99\n      compositeWeight: 1\n'),
      [
        'f0.yaml:35:7: spec.objectives[0].compositeWeight: composite objectives ("compositeWeight") are not supported (write one SLO per indicator)',
      ],
    ],
    [
      'Timeslices without slice target and window',
      () => method('Timeslices'),
      [
        'f0.yaml:34:7: spec.objectives[0].timeSliceTarget: budgetingMethod Timeslices needs timeSliceTarget',
        'f0.yaml:34:7: spec.objectives[0].timeSliceWindow: budgetingMethod Timeslices needs timeSliceWindow (for example timeSliceWindow: 1m)',
      ],
    ],
    [
      'RatioTimeslices without slice window',
      () => method('RatioTimeslices'),
      [
        'f0.yaml:34:7: spec.objectives[0].timeSliceWindow: budgetingMethod RatioTimeslices needs timeSliceWindow (for example timeSliceWindow: 1m)',
      ],
    ],
    [
      'a slice window longer than the period',
      () => method('RatioTimeslices', '      timeSliceWindow: 31d\n'),
      ['f0.yaml:36:24: spec.objectives[0].timeSliceWindow: timeSliceWindow is longer than the SLO period'],
    ],
    [
      'tiers that cannot fire, told at targetPercent',
      () => withObjectives('  objectives:\n    - displayName: loose\n      targetPercent: 50\n'),
      [
        `f0.yaml:35:22: spec.objectives[0].targetPercent: warning: tier page-1h (burn rate 14.4) can never fire at objective 50 %: it needs an error ratio of 7.2 ${CANNOT_FIRE}`,
        `f0.yaml:35:22: spec.objectives[0].targetPercent: warning: tier page-6h (burn rate 6) can never fire at objective 50 %: it needs an error ratio of 3 ${CANNOT_FIRE}`,
        `f0.yaml:35:22: spec.objectives[0].targetPercent: warning: tier ticket-1d (burn rate 3) can never fire at objective 50 %: it needs an error ratio of 1.5 ${CANNOT_FIRE}`,
      ],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text());
    expect(set.diagnostics.map(formatDiagnostic)).toEqual(expected);
    expect(set.slos).toHaveLength(1);
  });
});

describe('the model of an accepted OpenSLO SLO', () => {
  it('reads the period from duration, isRolling and calendar', () => {
    const period = (window: string) => {
      const set = load(withWindow(`  timeWindow:\n${window}`));
      expect(set.diagnostics).toEqual([]);
      return set.slos[0].period;
    };
    expect(period('    - duration: " 7d "\n')).toEqual({ seconds: 7 * 86400, rolling: true });
    // Without isRolling, a window is rolling unless it has a calendar.
    expect(period('    - duration: 1w\n')).toEqual({ seconds: 7 * 86400, rolling: true });
    expect(period('    - duration: 1M\n      isRolling: false\n')).toEqual({
      seconds: 30 * 86400,
      rolling: false,
      calendarUnit: 'Month',
    });
  });

  it('names each objective from its name, else its displayName, else its position, as a slug', () => {
    const set = load(
      withObjectives(`  objectives:
    - { name: Fast Path, displayName: shown, target: 0.999 }
    - { displayName: "  Very   Slow!  ", target: 0.999 }
    - { target: 0.999 }
    - { name: "!!!", target: 0.999 }
`),
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.slos.map((s) => [s.name, s.displayName])).toEqual([
      ['api-availability-fast-path', 'shown'],
      ['api-availability-very-slow', '  Very   Slow!  '],
      ['api-availability-3', undefined],
      ['api-availability-4', undefined],
    ]);
  });

  it('takes displayName from the objective, else from metadata, and leaves out what is not written', () => {
    const full = load(
      slo({
        '  name: api-availability\n': '  name: api-availability\n  displayName: API availability\n',
        '  service: goodgreets\n': '  service: goodgreets\n  description: Requests served without a 5xx\n',
        '    - displayName: good\n': '    - target: 0.999\n',
        '      target: 0.999\n': '',
      }),
    );
    expect(full.diagnostics).toEqual([]);
    expect(full.slos[0]).toMatchObject({
      displayName: 'API availability',
      description: 'Requests served without a 5xx',
    });

    const own = load(slo({ '  name: api-availability\n': '  name: api-availability\n  displayName: API\n' })).slos[0];
    expect(own.displayName).toBe('good');

    const bare = load(slo({ '    - displayName: good\n': '    - target: 0.999\n', '      target: 0.999\n': '' }))
      .slos[0];
    for (const key of ['displayName', 'description', 'timeSliceTarget', 'timeSliceWindowSeconds']) {
      expect(Object.keys(bare)).not.toContain(key);
    }
    expect(Object.keys(bare.alerting)).not.toContain('runbookUrl');
  });

  it('keeps the slice settings and a plain http runbook', () => {
    const set = load(
      method('Timeslices', '      timeSliceTarget: 0.5\n      timeSliceWindow: 1m\n').replace(
        '  name: api-availability\n',
        '  name: api-availability\n  annotations:\n    sre-kit/runbook: http://runbooks.example/api\n',
      ),
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0]).toMatchObject({
      budgetingMethod: 'Timeslices',
      timeSliceTarget: 0.5,
      timeSliceWindowSeconds: 60,
    });
    expect(set.slos[0].alerting.runbookUrl).toBe('http://runbooks.example/api');
  });

  it('turns a threshold objective into the operator and value', () => {
    const set = load(threshold('      op: lte\n      value: 2\n'));
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].indicator).toMatchObject({ kind: 'threshold', operator: 'lte', threshold: 2 });
  });

  it('keeps an SLO without service, as service ""', () => {
    expect(load(slo({ '  service: goodgreets\n': '' })).slos[0].service).toBe('');
  });

  it('does not count alarm metrics for an SLO whose period is too short for any tier', () => {
    // 11 metrics per window alarm would be refused, but with no tier there is no window alarm.
    const set = load(splitSli(6, 5).replace('duration: 30d', 'duration: 30m'));
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:37:17: spec.timeWindow[0].duration: warning: an SLO period of 30m is very short (OpenSLO writes a calendar month as 1M; 1m is one minute)',
    ]);
    expect(set.slos[0].alerting.policy.tiers).toEqual([]);
  });
});

const doc = (kind: string, name: string, rest = '') =>
  `apiVersion: openslo/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${rest}`;

describe('OpenSLO Service and DataSource documents', () => {
  it('reads a Service with its description and displayName, and checks its spec', () => {
    const set = load(
      [
        doc('Service', 'shop', '  displayName: Shop\nspec:\n  description: The shop\n  owner: me\n'),
        doc('Service', 'bare'),
        doc('Service', 'scalar', 'spec: text\n'),
      ].join('---\n'),
    );
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:8:3: spec.owner: unknown field "owner" (expected one of: description)',
      'f0.yaml:19:7: spec: expected a mapping, got string "text"',
    ]);
    expect(set.services.map(({ location: _location, ...service }) => service)).toEqual([
      { name: 'shop', displayName: 'Shop', description: 'The shop' },
      { name: 'bare' },
    ]);
    // Unwritten fields are left out, not set to undefined.
    expect(Object.keys(set.services[1]).sort()).toEqual(['location', 'name']);
  });

  it('reads a DataSource with its type and connection details, and refuses one without type or spec', () => {
    const set = load(
      [
        doc(
          'DataSource',
          'cw',
          'spec:\n  description: [1]\n  type: CloudWatch\n  connectionDetails: { region: eu-west-1 }\n',
        ),
        doc('DataSource', 'notype', 'spec:\n  description: d\n'),
        doc('DataSource', 'nospec'),
        doc('DataSource', 'bare', 'spec:\n  type: Prometheus\n'),
      ].join('---\n'),
    );
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:6:3: spec.description: expected a string, got a list',
      'f0.yaml:14:1: spec.type: missing type',
      'f0.yaml:17:1: spec: missing spec',
    ]);
    expect(set.dataSources.map(({ location: _location, ...source }) => source)).toEqual([
      { name: 'cw', type: 'CloudWatch', connectionDetails: { region: 'eu-west-1' } },
      { name: 'bare', type: 'Prometheus', connectionDetails: null },
    ]);
  });
});
