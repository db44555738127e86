/**
 * `spec.maintenanceWindows` of an AlertRouting: what a good window becomes in the model, and every
 * bad one reported at its line and path (the line is marked `# <-`, as in spec-errors.test.ts).
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { expectReported, FILE, RECEIVERS, routing, slo, type Case } from './spec-errors/builders';

/** A routing whose spec ends with `maintenanceWindows:` followed by `items`. */
const withWindows = (items: string): string =>
  routing(RECEIVERS, '    receiver: page\n', `  maintenanceWindows:\n${items}`);

const WEEKLY = `    - name: db-patching
      category: maintenance
      reason: RDS minor-version patching (CHG-1234)
      matchers: { service: goodgreets }
      recurring: { weekdays: [sunday], start: '03:00', duration: 1h, location: Europe/Berlin }
`;

/** One window with `lines` (each indented under the list item) and a valid name and reason. */
const win = (lines: string): string =>
  withWindows(`    - name: w
      reason: test
${lines
  .split('\n')
  .filter(Boolean)
  .map((l) => `      ${l}`)
  .join('\n')}
`);

const CASES: Case[] = [
  {
    name: 'neither once nor recurring',
    yaml: withWindows(`    - name: w # <-
      reason: test
      matchers: { service: goodgreets }
`),
    path: 'spec.maintenanceWindows[0]',
    message: /needs once or recurring/,
    hint: /once: \{start, end, location\}/,
  },
  {
    name: 'both once and recurring',
    yaml: withWindows(`    - name: w # <-
      reason: test
      matchers: { service: goodgreets }
      once: { start: '2026-12-12T22:00Z', end: '2026-12-12T23:00Z' }
      recurring: { start: '03:00', duration: 1h }
`),
    path: 'spec.maintenanceWindows[0]',
    message: /once or recurring, not both/,
  },
  {
    name: 'no reason',
    yaml: withWindows(`    - name: w # <-
      matchers: { service: goodgreets }
      recurring: { start: '03:00', duration: 1h }
`),
    path: 'spec.maintenanceWindows[0].reason',
    message: /missing reason/,
  },
  {
    name: 'unknown category',
    yaml: win(`matchers: { service: goodgreets }
category: maintainance # <-
recurring: { start: '03:00', duration: 1h }`),
    path: 'spec.maintenanceWindows[0].category',
    message: /unknown category "maintainance"/,
    hint: /did you mean "maintenance"/,
  },
  {
    name: 'local time without a zone',
    yaml: win(`matchers: { service: goodgreets }
once:
  start: '2026-12-12T22:00' # <-
  end: '2026-12-12T23:00Z'`),
    path: 'spec.maintenanceWindows[0].once.start',
    message: /has no UTC offset and the window no location/,
    hint: /add location/,
  },
  {
    name: 'end before start',
    yaml: win(`matchers: { service: goodgreets }
once:
  start: '2026-12-12T22:00'
  end: '2026-12-12T21:00' # <-
  location: Europe/Berlin`),
    path: 'spec.maintenanceWindows[0].once.end',
    message: /end 2026-12-12T20:00:00.000Z is not after start 2026-12-12T21:00:00.000Z/,
  },
  {
    name: 'a local time the clocks skip',
    yaml: win(`matchers: { service: goodgreets }
once:
  start: '2026-03-29T02:30' # <-
  end: '2026-03-29T04:00'
  location: Europe/Berlin`),
    path: 'spec.maintenanceWindows[0].once.start',
    message: /2026-03-29T02:30 does not exist in Europe\/Berlin/,
  },
  {
    name: 'not a date-time',
    yaml: win(`matchers: { service: goodgreets }
once:
  start: next sunday # <-
  end: '2026-12-12T21:00Z'`),
    path: 'spec.maintenanceWindows[0].once.start',
    message: /bad date-time "next sunday"/,
  },
  {
    name: 'a day the month does not have',
    yaml: win(`matchers: { service: goodgreets }
once:
  start: '2026-02-30T01:00' # <-
  end: '2026-03-01T02:00'
  location: UTC`),
    path: 'spec.maintenanceWindows[0].once.start',
    message: /2026-02 has no day 30/,
  },
  {
    name: 'unknown time zone',
    yaml: win(`matchers: { service: goodgreets }
recurring:
  start: '03:00'
  duration: 1h
  location: Europe/Berlim # <-`),
    path: 'spec.maintenanceWindows[0].recurring.location',
    message: /unknown time zone "Europe\/Berlim"/,
  },
  {
    name: 'bad weekday',
    yaml: win(`matchers: { service: goodgreets }
recurring:
  weekdays:
    - sundy # <-
  start: '03:00'
  duration: 1h`),
    path: 'spec.maintenanceWindows[0].recurring.weekdays[0]',
    message: /bad weekday "sundy"/,
    hint: /did you mean "sunday"/,
  },
  {
    name: 'bad start time',
    yaml: win(`matchers: { service: goodgreets }
recurring:
  start: '3am' # <-
  duration: 1h`),
    path: 'spec.maintenanceWindows[0].recurring.start',
    message: /bad time "3am"/,
  },
  {
    name: 'a daily window longer than a day',
    yaml: win(`matchers: { service: goodgreets }
recurring:
  start: '03:00'
  duration: 25h # <-`),
    path: 'spec.maintenanceWindows[0].recurring.duration',
    message: /a daily window of 1d1h overlaps its next opening/,
    hint: /list the weekdays/,
  },
  {
    name: 'excluded from reviews but scoped by severity',
    yaml: win(`matchers:
  severity: critical # <-
recurring: { start: '03:00', duration: 1h }`),
    path: 'spec.maintenanceWindows[0].matchers.severity',
    message: /excludeFromReview covers whole SLOs, but "severity" is a label of single alarms/,
    hint: /set excludeFromReview: false/,
  },
  {
    name: 'a window without matchers covers everything',
    yaml: withWindows(`    - name: w # <-
      reason: test
      recurring: { start: '03:00', duration: 1h }
`),
    path: 'spec.maintenanceWindows[0]',
    message: /covers every alarm and every SLO/,
    severity: 'warning',
  },
  {
    name: 'excluded from reviews but scoped to a family no SLO has',
    yaml: win(`matchers:
  family: rds # <-
recurring: { start: '03:00', duration: 1h }`),
    path: 'spec.maintenanceWindows[0].matchers.family',
    message: /family "rds" never matches an SLO/,
    hint: /excludeFromReview: false/,
    severity: 'warning',
  },
  {
    name: 'bad matcher regular expression',
    yaml: win(`matchers:
  service: ~api-( # <-
recurring: { start: '03:00', duration: 1h }`),
    path: 'spec.maintenanceWindows[0].matchers.service',
    message: /bad regular expression/,
  },
  {
    name: 'duplicate window name',
    yaml: withWindows(`${WEEKLY}    - name: db-patching # <-
      reason: again
      matchers: { service: goodgreets }
      recurring: { start: '04:00', duration: 1h }
`),
    path: 'spec.maintenanceWindows[1].name',
    message: /duplicate maintenance window name "db-patching"/,
    hint: /first defined at bad.yaml:\d+:\d+/,
  },
  {
    name: 'unknown field',
    yaml: win(`matchers: { service: goodgreets }
recurring: { start: '03:00', duration: 1h }
excludeFromReviews: false # <-`),
    path: 'spec.maintenanceWindows[0].excludeFromReviews',
    message: /unknown field "excludeFromReviews"/,
  },
];

describe('maintenance windows in the routing spec', () => {
  it('parses a recurring and two one-off windows into the routing model', () => {
    const { routings, diagnostics } = loadSpecTexts([
      {
        file: FILE,
        text: withWindows(`${WEEKLY}    - name: dns-cutover
      category: dependency
      reason: Registrar move
      matchers: { slo: ~api-.* }
      excludeFromReview: false
      once: { start: '2026-12-12T22:00', end: '2026-12-13T01:30', location: Europe/Berlin }
    - name: load-test
      category: deployment
      reason: Load test
      matchers: { service: goodgreets }
      once: { start: '2026-07-01T08:00:00+02:00', end: '2026-07-01T07:00Z' }
`),
      },
    ]);
    expect(diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(routings[0].maintenanceWindows).toEqual([
      {
        name: 'db-patching',
        category: 'maintenance',
        reason: 'RDS minor-version patching (CHG-1234)',
        matchers: { service: 'goodgreets' },
        schedule: {
          kind: 'recurring',
          weekdays: ['sunday'],
          start: '03:00',
          durationSeconds: 3600,
          location: 'Europe/Berlin',
        },
        excludeFromReview: true,
      },
      {
        name: 'dns-cutover',
        category: 'dependency',
        reason: 'Registrar move',
        matchers: { slo: '~api-.*' },
        // Berlin is UTC+1 in December: wall-clock times become instants once, at parse time.
        schedule: { kind: 'once', start: '2026-12-12T21:00:00.000Z', end: '2026-12-13T00:30:00.000Z' },
        excludeFromReview: false,
      },
      {
        name: 'load-test',
        category: 'deployment',
        reason: 'Load test',
        matchers: { service: 'goodgreets' },
        schedule: { kind: 'once', start: '2026-07-01T06:00:00.000Z', end: '2026-07-01T07:00:00.000Z' },
        excludeFromReview: true,
      },
    ]);
  });

  it('a routing without the section has no maintenanceWindows', () => {
    const { routings } = loadSpecTexts([{ file: FILE, text: routing(RECEIVERS, '    receiver: page\n') }]);
    expect(routings[0].maintenanceWindows).toBeUndefined();
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => expectReported(c));

  it('formats a window problem as file:line:col: path: message (hint)', () => {
    const text = win(`matchers: { service: goodgreets }
category: maintainance
recurring: { start: '03:00', duration: 1h }`);
    const line = text.split('\n').findIndex((l) => l.includes('maintainance')) + 1;
    expect(loadSpecTexts([{ file: FILE, text }]).diagnostics.map(formatDiagnostic)).toEqual([
      `bad.yaml:${line}:17: spec.maintenanceWindows[0].category: unknown category "maintainance" (did you mean "maintenance"?)`,
    ]);
  });

  it('warns when a window names an SLO or service the spec set does not have', () => {
    const text = withWindows(`    - name: w
      reason: test
      matchers: { service: goodgreets, slo: api-availabilty }
      recurring: { start: '03:00', duration: 1h }
`);
    const { diagnostics } = loadSpecTexts([
      { file: 'slo.yaml', text: slo() },
      { file: FILE, text },
    ]);
    const warnings = diagnostics.filter((d) => d.file === FILE).map((d) => `${d.severity}: ${d.path}: ${d.message}`);
    expect(warnings).toEqual([
      expect.stringMatching(/^warning: spec.maintenanceWindows\[0\].matchers.slo: no SLO has slo "api-availabilty"/),
    ]);
    // Alone (no SLOs loaded), the routing cannot know its SLOs and says nothing.
    expect(loadSpecTexts([{ file: FILE, text }]).diagnostics).toEqual([]);
  });
});
