/**
 * Sloth specs and AlertWindows at their edges: each required part, missing or of the wrong type, is reported once at
 * its own place (and nothing else is), every field Sloth allows loads, and the model keeps exactly what was written.
 */
import { loadSpecTexts, type Diagnostic } from '../src/spec';

const FILE = 's.yaml';
const load = (text: string) => loadSpecTexts([{ file: FILE, text }]);
/** What a spec author reads, without the hint: `line:col path: message`. */
const seen = (d: Diagnostic) =>
  `${d.line}:${d.col} ${d.path}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
const reported = (text: string) => load(text).diagnostics.map(seen);

const EVENTS = `    sli:
      events:
        error_query: sum(rate(e[{{.window}}]))
        total_query: sum(rate(t[{{.window}}]))
`;
const sloth = (body: string, top = 'service: svc\n') =>
  `version: prometheus/v1\n${top}slos:\n  - name: availability\n${body}`;
const withSli = (sli: string) => sloth(`    objective: 99.9\n    sli:\n${sli}`);
const alerting = (block: string) => sloth(`    objective: 99.9\n${EVENTS}    alerting:\n${block}`);

describe('a Sloth SLO missing a part, or with a part of the wrong type, is refused at that part', () => {
  it.each([
    ['no sli', sloth('    objective: 99.9\n'), ['4:5 slos[0].sli: missing sli']],
    ['sli not a mapping', sloth('    objective: 99.9\n    sli: 5\n'), ['6:10 slos[0].sli: expected sli, got number 5']],
    [
      'sli with no kind of query',
      sloth('    objective: 99.9\n    sli: {}\n'),
      ['6:5 slos[0].sli: sli needs events, raw or plugin'],
    ],
    [
      'sli with two kinds of query',
      withSli('      events: { error_query: a, total_query: b }\n      raw: { error_ratio_query: c }\n'),
      ['6:5 slos[0].sli: sli has events and raw; give exactly one'],
    ],
    [
      'events not a mapping',
      withSli('      events: 5\n'),
      ['7:15 slos[0].sli.events: expected a mapping, got number 5'],
    ],
    ['raw not a mapping', withSli('      raw: 5\n'), ['7:12 slos[0].sli.raw: expected a mapping, got number 5']],
    [
      'plugin not a mapping',
      withSli('      plugin: 5\n'),
      ['7:15 slos[0].sli.plugin: expected a mapping, got number 5'],
    ],
    [
      'plugin without id',
      withSli('      plugin:\n        options: { a: 1 }\n'),
      ['7:7 slos[0].sli.plugin.id: missing plugin id'],
    ],
    [
      'events without error_query',
      withSli('      events:\n        total_query: sum(rate(t[{{.window}}]))\n'),
      ['7:7 slos[0].sli.events.error_query: missing a PromQL query'],
    ],
    ['no objective', sloth(EVENTS), ['4:5 slos[0].objective: missing objective (a percentage such as 99.9)']],
    [
      'no name',
      `version: prometheus/v1\nservice: svc\nslos:\n  - objective: 99.9\n${EVENTS}`,
      ['4:5 slos[0].name: missing name'],
    ],
    ['no service', sloth(`    objective: 99.9\n${EVENTS}`, ''), ['1:1 service: missing service']],
    ['no slos', 'version: prometheus/v1\nservice: svc\n', ['1:1 slos: missing slos']],
    ['slos not a list', 'version: prometheus/v1\nservice: svc\nslos: 5\n', ['3:7 slos: expected slos, got number 5']],
    ['slos empty', 'version: prometheus/v1\nservice: svc\nslos: []\n', ['3:1 slos: slos is empty']],
    [
      'an SLO that is a number',
      'version: prometheus/v1\nservice: svc\nslos:\n  - 5\n',
      ['4:5 slos[0]: expected an SLO, got number 5'],
    ],
    ['an empty list item', 'version: prometheus/v1\nservice: svc\nslos:\n  -\n', ['4:4 slos[0]: missing an SLO']],
    [
      'CRD without spec',
      'apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: x\n',
      ['1:1 spec: missing a Sloth spec'],
    ],
    [
      'CRD spec not a mapping',
      'apiVersion: sloth.slok.dev/v1\nkind: PrometheusServiceLevel\nmetadata:\n  name: x\nspec: 5\n',
      ['5:7 spec: expected a Sloth spec, got number 5'],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text);
    expect(set.diagnostics.map(seen)).toEqual(expected);
    expect(set.slos).toEqual([]);
  });
});

describe('Sloth SLO names', () => {
  it.each(['-leading-dash', 'two words', 'ends-with!'])('refuses "%s" at the name', (name) => {
    expect(reported(sloth(`    objective: 99.9\n${EVENTS}`).replace('name: availability', `name: "${name}"`))).toEqual([
      `4:11 slos[0].name: SLO name "${name}" is not valid`,
    ]);
  });

  it.each(['a', 'api_v2.read-path', '9lives'])('accepts "%s"', (name) => {
    const set = load(sloth(`    objective: 99.9\n${EVENTS}`).replace('name: availability', `name: ${name}`));
    expect(set.diagnostics).toEqual([]);
    expect(set.slos.map((s) => s.name)).toEqual([`svc-${name}`]);
  });
});

describe('the Sloth model', () => {
  it('keeps a plugin SLI opaque, with its id and options as written', () => {
    const set = load(
      withSli('      plugin:\n        id: sloth-common/availability\n        options: { filter: x, n: 2 }\n'),
    );
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].indicator).toEqual({
      kind: 'rawErrorRatio',
      errorRatio: {
        type: 'Opaque',
        sourceType: 'sloth-plugin',
        spec: { id: 'sloth-common/availability', options: { filter: 'x', n: 2 } },
      },
    });
  });

  it('gives a plugin without options an empty options mapping', () => {
    const set = load(withSli('      plugin:\n        id: p\n'));
    expect(set.diagnostics).toEqual([]);
    expect(set.slos[0].indicator).toEqual({
      kind: 'rawErrorRatio',
      errorRatio: { type: 'Opaque', sourceType: 'sloth-plugin', spec: { id: 'p', options: {} } },
    });
  });

  it('reads every alerting field Sloth defines, per severity, and the rolling 30-day period', () => {
    const set = load(
      sloth(`    objective: 99.9\n    description: checkout works\n${EVENTS}    alerting:
      name: Avail
      labels: { team: a }
      annotations: { runbook: r }
      page_alert:
        disable: false
        labels: { sev: p }
        annotations: { summary: x }
      ticket_alert:
        labels: { sev: t }
`),
    );
    expect(set.diagnostics).toEqual([]);
    const [slo] = set.slos;
    expect(slo.description).toBe('checkout works');
    expect(slo.period).toEqual({ seconds: 30 * 86400, rolling: true });
    expect(slo.alerting).toMatchObject({
      enabled: true,
      labels: { team: 'a' },
      annotations: { runbook: 'r' },
      pageAlertName: 'Avail',
      ticketAlertName: 'Avail',
    });
    expect(slo.alerting.page).toStrictEqual({ disabled: false, labels: { sev: 'p' }, annotations: { summary: 'x' } });
    // Unwritten, `disable` stays out of the model rather than reading as false.
    expect(slo.alerting.ticket).toStrictEqual({ labels: { sev: 't' }, annotations: {} });
  });

  it('adds nothing the spec did not write: no description, alert name, tier changes or per-severity settings', () => {
    const set = load(sloth(`    objective: 99.9\n${EVENTS}`));
    expect(set.diagnostics).toEqual([]);
    const [slo] = set.slos;
    expect(Object.keys(slo)).not.toContain('description');
    expect(Object.keys(slo.alerting).sort()).toEqual(['annotations', 'enabled', 'labels', 'page', 'policy', 'ticket']);
    expect(slo.alerting.page).toStrictEqual({});
    expect(slo.alerting.ticket).toStrictEqual({});
  });

  it('keeps an alert severity written as a non-mapping out of the model, with an error there', () => {
    const set = load(alerting('      page_alert: 5\n'));
    expect(set.diagnostics.map(seen)).toEqual(['11:19 slos[0].alerting.page_alert: expected a mapping, got number 5']);
    expect(set.slos[0].alerting.page).toStrictEqual({});
  });

  it('does not alert when every tier is disabled, and records the changes', () => {
    const tiers = ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d'];
    const set = load(
      alerting(`      annotations:\n${tiers.map((t) => `        sre-kit/tier.${t}: disabled\n`).join('')}`),
    );
    expect(set.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    const [slo] = set.slos;
    expect(slo.alerting.enabled).toBe(false);
    expect(slo.alerting.policy.tiers).toEqual([]);
    expect(slo.alerting.tierChanges?.map((c) => c.tier)).toEqual(tiers);
  });
});

const WINDOWS = `spec:
  sloPeriod: 7d
  page:
    quick: { errorBudgetPercent: 8, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 12.5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 20, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 42, shortWindow: 6h, longWindow: 3d }
`;
const alertWindows = (spec: string, metadata = '') =>
  `apiVersion: sloth.slok.dev/v1\nkind: AlertWindows\n${metadata}${spec}`;
const PAGE = / {2}page:\n.*\n.*\n/;
const PAGE_QUICK = / {4}quick: \{ errorBudgetPercent: 8.*\n/;

describe('AlertWindows missing a part, or with a part of the wrong type, is refused at that part', () => {
  it.each([
    ['no spec', alertWindows(''), ['1:1 spec: missing spec']],
    ['spec not a mapping', alertWindows('spec: 5\n'), ['3:7 spec: expected spec, got number 5']],
    ['no sloPeriod', alertWindows(WINDOWS.replace('  sloPeriod: 7d\n', '')), ['3:1 spec.sloPeriod: missing duration']],
    ['no page', alertWindows(WINDOWS.replace(PAGE, '')), ['3:1 spec.page: missing page (quick and slow windows)']],
    [
      'page not a mapping',
      alertWindows(WINDOWS.replace(PAGE, '  page: 5\n')),
      ['5:9 spec.page: expected page (quick and slow windows), got number 5'],
    ],
    ['no quick window', alertWindows(WINDOWS.replace(PAGE_QUICK, '')), ['5:3 spec.page.quick: missing quick window']],
    [
      'quick window not a mapping',
      alertWindows(WINDOWS.replace(PAGE_QUICK, '    quick: 5\n')),
      ['6:12 spec.page.quick: expected quick window, got number 5'],
    ],
    [
      'no errorBudgetPercent',
      alertWindows(WINDOWS.replace('errorBudgetPercent: 8, ', '')),
      ['6:5 spec.page.quick.errorBudgetPercent: missing errorBudgetPercent'],
    ],
    [
      'no shortWindow',
      alertWindows(WINDOWS.replace('shortWindow: 5m, ', '')),
      ['6:5 spec.page.quick.shortWindow: missing duration'],
    ],
    [
      'no longWindow',
      alertWindows(WINDOWS.replace('shortWindow: 5m, longWindow: 1h', 'shortWindow: 5m')),
      ['6:5 spec.page.quick.longWindow: missing duration'],
    ],
    [
      'errorBudgetPercent above 100',
      alertWindows(WINDOWS.replace('errorBudgetPercent: 42', 'errorBudgetPercent: 150')),
      ['10:33 spec.ticket.slow.errorBudgetPercent: errorBudgetPercent 150 is out of range'],
    ],
  ])('%s', (_name, text, expected) => {
    const set = load(text);
    expect(set.diagnostics.map(seen)).toEqual(expected);
    expect(set.alertWindows).toEqual({});
  });

  it('accepts the limits: 100 % of the budget, and a long window as long as the period', () => {
    const all = load(alertWindows(WINDOWS.replace('errorBudgetPercent: 42', 'errorBudgetPercent: 100')));
    expect(all.diagnostics).toEqual([]);
    expect(all.alertWindows.s.tiers[3]).toMatchObject({ longWindowSeconds: 3 * 86400, budgetFraction: 1 });
    const whole = load(
      alertWindows(WINDOWS.replace('shortWindow: 6h, longWindow: 3d', 'shortWindow: 6h, longWindow: 7d')),
    );
    expect(whole.diagnostics.map((d) => d.severity)).toEqual(['warning']);
    expect(whole.alertWindows.s.tiers[3]).toMatchObject({ longWindowSeconds: 7 * 86400, shortWindowSeconds: 6 * 3600 });
  });
});

describe('AlertWindows names', () => {
  const named = (name: string) => alertWindows(WINDOWS, `metadata:\n  name: ${name}\n`);

  it('refuses a second AlertWindows of the same name at its metadata.name', () => {
    const set = loadSpecTexts([
      { file: 'a.yaml', text: named('fast') },
      { file: 'b.yaml', text: named('fast') },
    ]);
    expect(set.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.path}: ${d.message}`)).toEqual([
      'b.yaml:4:9 metadata.name: duplicate AlertWindows name "fast"',
    ]);
    expect(Object.keys(set.alertWindows)).toEqual(['fast']);
  });

  it('names unnamed AlertWindows after their file, numbering the later ones of the same file', () => {
    const set = loadSpecTexts([{ file: 'w.yaml', text: [0, 1, 2].map(() => alertWindows(WINDOWS)).join('---\n') }]);
    expect(set.diagnostics).toEqual([]);
    expect(Object.keys(set.alertWindows)).toEqual(['w', 'w-2', 'w-3']);
  });

  it('keeps written names in one file as they are', () => {
    const set = loadSpecTexts([{ file: 'w.yaml', text: `${named('a')}---\n${named('b')}` }]);
    expect(set.diagnostics).toEqual([]);
    expect(Object.keys(set.alertWindows)).toEqual(['a', 'b']);
  });

  it('refuses unnamed AlertWindows of two files with the same base name, at the second document', () => {
    const set = loadSpecTexts([
      { file: 'a/w.yaml', text: alertWindows(WINDOWS) },
      { file: 'b/w.yaml', text: alertWindows(WINDOWS) },
    ]);
    expect(set.diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.path}: ${d.message}`)).toEqual([
      'b/w.yaml:1:1 : duplicate AlertWindows name "w"',
    ]);
  });
});
