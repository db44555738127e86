/**
 * Edges of OpenSLO alerting (AlertPolicy, AlertCondition, AlertNotificationTarget): what each document requires,
 * where a problem is reported, which conditions become burn-rate tiers, and that documents no SLO uses are
 * checked too, once.
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { slo } from './spec-errors/builders';

const load = (...texts: string[]) => loadSpecTexts(texts.map((text, i) => ({ file: `f${i}.yaml`, text })));

const doc = (kind: string, name: string, body: string) =>
  `apiVersion: openslo/v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${body}`;
const FAST =
  '  severity: page\n  condition: { kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m }\n';
const SLOW = '  severity: ticket\n  condition: { kind: burnrate, op: gte, threshold: 1, lookbackWindow: 3d }\n';
const REFS = '  conditions:\n    - conditionRef: fast\n    - conditionRef: slow\n';
const USER = slo({}, '  alertPolicies:\n    - alertPolicyRef: burn\n');
/** One file: the builders' SLO using policy `burn` (body `policy`), conditions `fast` (body `fast`) and `slow`. */
const alerting = (policy: string, fast = `spec:\n${FAST}`, extra = '') =>
  [
    USER,
    doc('AlertPolicy', 'burn', policy),
    doc('AlertCondition', 'fast', fast),
    doc('AlertCondition', 'slow', `spec:\n${SLOW}`),
  ].join('---\n') + extra;
const fast = (from: string, to: string) => alerting(`spec:\n${REFS}`, `spec:\n${FAST.replace(from, to)}`);
/** The fast condition written inline in the policy, its `kind:` line being `kindLine`. */
const inline = (kindLine: string) =>
  alerting(
    `spec:\n  conditions:\n    - ${kindLine}metadata: { name: inline }\n      spec:\n${FAST.replace(/^/gm, '      ').trimEnd()}\n    - conditionRef: slow\n`,
  );
const withTargets = (targets: string) => alerting(`spec:\n${REFS}${targets}`);
const HEALTHY = 'fires while the service is healthy (use op: gt or gte)';

describe('OpenSLO alerting problems are reported where they are written', () => {
  it.each([
    [
      'an AlertCondition without spec',
      () => alerting(`spec:\n${REFS}`, ''),
      ['f0.yaml:48:1: spec: missing AlertCondition spec'],
      ['slow'],
    ],
    [
      'a condition description that is not a string',
      () => alerting(`spec:\n${REFS}`, `spec:\n  description: [1]\n${FAST}`),
      ['f0.yaml:53:3: spec.description: expected a string, got a list'],
      ['fast', 'slow'],
    ],
    [
      'a condition without severity',
      () => fast('  severity: page\n', ''),
      ['f0.yaml:52:1: spec.severity: missing severity'],
      ['slow'],
    ],
    [
      'a condition without its condition',
      () => alerting(`spec:\n${REFS}`, 'spec:\n  severity: page\n'),
      ['f0.yaml:52:1: spec.condition: missing condition'],
      ['slow'],
    ],
    [
      'a condition without kind',
      () => fast('kind: burnrate, ', ''),
      ['f0.yaml:54:3: spec.condition.kind: missing condition kind'],
      ['slow'],
    ],
    [
      'a condition kind other than burnrate',
      () => fast('kind: burnrate', 'kind: ratio'),
      ['f0.yaml:54:22: spec.condition.kind: unknown condition kind "ratio" (OpenSLO v1 defines kind: burnrate)'],
      ['slow'],
    ],
    [
      'a condition without op',
      () => fast('op: gt, ', ''),
      ['f0.yaml:54:3: spec.condition.op: missing op'],
      ['fast', 'slow'],
    ],
    [
      'op lt',
      () => fast('op: gt', 'op: lt'),
      [`f0.yaml:54:36: spec.condition.op: a burn-rate condition with op lt ${HEALTHY}`],
      ['fast', 'slow'],
    ],
    [
      'op lte',
      () => fast('op: gt', 'op: lte'),
      [`f0.yaml:54:36: spec.condition.op: a burn-rate condition with op lte ${HEALTHY}`],
      ['fast', 'slow'],
    ],
    [
      'a condition without threshold',
      () => fast('threshold: 14.4, ', ''),
      ['f0.yaml:54:3: spec.condition.threshold: missing threshold (the burn rate)'],
      ['slow'],
    ],
    [
      'a condition without lookbackWindow',
      () => fast('lookbackWindow: 1h, ', ''),
      ['f0.yaml:54:3: spec.condition.lookbackWindow: missing duration'],
      ['slow'],
    ],
    [
      'a bad alertAfter',
      () => fast('alertAfter: 5m', 'alertAfter: soon'),
      [
        'f0.yaml:54:89: spec.condition.alertAfter: bad duration "soon" (write a positive duration such as 30s, 5m, 1h30m or 28d)',
      ],
      ['fast', 'slow'],
    ],
    [
      'an inline condition without kind',
      () => inline(''),
      ['f0.yaml:45:7: spec.conditions[0].kind: missing kind'],
      ['inline', 'slow'],
    ],
    [
      'an inline condition of another kind',
      () => inline('kind: AlertPolicy\n      '),
      [
        'f0.yaml:45:13: spec.conditions[0].kind: expected kind AlertCondition here, got "AlertPolicy" (write kind: AlertCondition or use conditionRef)',
      ],
      ['inline', 'slow'],
    ],
    ['an AlertPolicy without spec', () => alerting(''), ['f0.yaml:39:1: spec: missing AlertPolicy spec'], []],
    [
      'policy flags that are not true/false',
      () =>
        alerting(
          `spec:\n  description: [1]\n  alertWhenNoData: maybe\n  alertWhenResolved: maybe\n  alertWhenBreaching: maybe\n${REFS}`,
        ),
      [
        'f0.yaml:44:3: spec.description: expected a string, got a list',
        'f0.yaml:45:20: spec.alertWhenNoData: expected true or false, got string "maybe"',
        'f0.yaml:46:22: spec.alertWhenResolved: expected true or false, got string "maybe"',
        'f0.yaml:47:23: spec.alertWhenBreaching: expected true or false, got string "maybe"',
      ],
      ['fast', 'slow'],
    ],
    [
      'a policy without conditions',
      () => alerting('spec:\n  description: none\n'),
      ['f0.yaml:43:1: spec.conditions: missing conditions (a list of AlertCondition or conditionRef)'],
      [],
    ],
    [
      'conditions that are not a list',
      () => alerting('spec:\n  conditions: 5\n'),
      ['f0.yaml:44:15: spec.conditions: expected conditions (a list of AlertCondition or conditionRef), got number 5'],
      [],
    ],
    [
      'an empty conditions list',
      () => alerting('spec:\n  conditions: []\n'),
      ['f0.yaml:44:3: spec.conditions: an AlertPolicy needs at least one condition'],
      [],
    ],
    [
      'notificationTargets that are not a list',
      () => withTargets('  notificationTargets: 5\n'),
      ['f0.yaml:47:24: spec.notificationTargets: expected a list, got number 5'],
      ['fast', 'slow'],
    ],
    [
      'an inline notification target with a bad description and an unknown field',
      () =>
        withTargets(
          '  notificationTargets:\n    - kind: AlertNotificationTarget\n      metadata: { name: t }\n      spec: { target: slack, description: [1], channel: x }\n',
        ),
      [
        'f0.yaml:50:30: spec.notificationTargets[0].spec.description: expected a string, got a list',
        'f0.yaml:50:48: spec.notificationTargets[0].spec.channel: unknown field "channel" (expected one of: description, target)',
      ],
      ['fast', 'slow'],
    ],
  ])('%s', (_name, text, expected, tiers) => {
    const set = load(text());
    expect(set.diagnostics.map(formatDiagnostic)).toEqual(expected);
    // Conditions that are refused give no tier; with none left the SLO falls back to the default tiers.
    const names = set.slos[0].alerting.policy.tiers.map((t) => t.name);
    expect(names).toEqual(tiers.length > 0 ? tiers : ['page-1h', 'page-6h', 'ticket-1d', 'ticket-3d']);
  });

  it.each([
    [
      'alertPolicies that are not a list',
      '  alertPolicies: 5\n',
      'f0.yaml:36:18: spec.alertPolicies: expected alertPolicies (a list of AlertPolicy or alertPolicyRef), got number 5',
    ],
    [
      'an empty alertPolicies item',
      '  alertPolicies: [~]\n',
      'f0.yaml:36:19: spec.alertPolicies[0]: missing a AlertPolicy or alertPolicyRef',
    ],
    [
      'an alertPolicies item that is not a mapping',
      '  alertPolicies: [5]\n',
      'f0.yaml:36:19: spec.alertPolicies[0]: expected a AlertPolicy or alertPolicyRef, got number 5',
    ],
    [
      'an alertPolicyRef to nothing',
      '  alertPolicies:\n    - alertPolicyRef: nope\n',
      'f0.yaml:37:23: spec.alertPolicies[0].alertPolicyRef: unknown AlertPolicy "nope" (declare a AlertPolicy named "nope")',
    ],
  ])('%s', (_name, policies, expected) => {
    expect(load(slo({}, policies)).diagnostics.map(formatDiagnostic)).toEqual([expected]);
  });

  it('names the AlertWindows to load, or the close one, for an unknown sre-kit/alert-windows', () => {
    const user = slo({
      '  name: api-availability\n': '  name: api-availability\n  annotations:\n    sre-kit/alert-windows: weekly\n',
    });
    const windows = `apiVersion: sloth.slok.dev/v1
kind: AlertWindows
metadata: { name: weekli }
spec:
  sloPeriod: 30d
  page:
    quick: { errorBudgetPercent: 2, shortWindow: 5m, longWindow: 1h }
    slow: { errorBudgetPercent: 5, shortWindow: 30m, longWindow: 6h }
  ticket:
    quick: { errorBudgetPercent: 10, shortWindow: 2h, longWindow: 1d }
    slow: { errorBudgetPercent: 10, shortWindow: 6h, longWindow: 3d }
`;
    const at = 'f0.yaml:6:28: metadata.annotations["sre-kit/alert-windows"]: unknown AlertWindows "weekly"';
    expect(load(user).diagnostics.map(formatDiagnostic)).toEqual([`${at} (load the AlertWindows file with the SLOs)`]);
    expect(load(user, windows).diagnostics.map(formatDiagnostic)).toEqual([`${at} (did you mean "weekli"?)`]);
  });
});

describe('alerting documents no SLO uses', () => {
  it('checks every AlertCondition and AlertPolicy on its own', () => {
    const set = load(
      [
        doc('AlertCondition', 'x', `spec:\n${FAST.replace('op: gt', 'op: lt')}`),
        doc('AlertCondition', 'y', `spec:\n${FAST.replace('op: gt', 'op: lte')}`),
        doc('AlertCondition', 'z', ''),
        doc('AlertPolicy', 'p', 'spec:\n  conditions: []\n'),
        doc('AlertPolicy', 'q', 'spec: {}\n'),
      ].join('---\n'),
    );
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      `f0.yaml:7:36: spec.condition.op: a burn-rate condition with op lt ${HEALTHY}`,
      `f0.yaml:15:36: spec.condition.op: a burn-rate condition with op lte ${HEALTHY}`,
      'f0.yaml:17:1: spec: missing AlertCondition spec',
      'f0.yaml:27:3: spec.conditions: an AlertPolicy needs at least one condition',
      'f0.yaml:33:1: spec.conditions: missing conditions (a list of AlertCondition or conditionRef)',
    ]);
  });

  it('reports a condition two policies share once', () => {
    const other = doc('AlertPolicy', 'other', 'spec:\n  conditions:\n    - conditionRef: fast\n');
    const set = load(alerting(`spec:\n${REFS}`, `spec:\n${FAST.replace('op: gt', 'op: lt')}`, `---\n${other}`));
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      `f0.yaml:54:36: spec.condition.op: a burn-rate condition with op lt ${HEALTHY}`,
    ]);
  });

  it('checks every AlertNotificationTarget and lists it with its target and description', () => {
    const targets = [
      doc('AlertNotificationTarget', 'a', 'spec:\n  description: [1]\n  target: slack\n  channel: x\n'),
      doc('AlertNotificationTarget', 'b', ''),
      doc('AlertNotificationTarget', 'c', 'spec:\n  description: pager\n'),
      doc('AlertNotificationTarget', 'd', 'spec:\n  description: ok\n  target: email\n'),
    ];
    const set = load(alerting(`spec:\n${REFS}`, `spec:\n${FAST}`, `---\n${targets.join('---\n')}`));
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([
      'f0.yaml:69:3: spec.description: expected a string, got a list',
      'f0.yaml:71:3: spec.channel: unknown field "channel" (expected one of: description, target)',
      'f0.yaml:73:1: spec: missing AlertNotificationTarget spec',
      'f0.yaml:82:1: spec.target: missing target',
    ]);
    expect(set.notificationTargets.map((t) => [t.name, t.target, t.description])).toEqual([
      ['a', 'slack', undefined],
      ['b', undefined, undefined],
      ['c', undefined, 'pager'],
      ['d', 'email', 'ok'],
    ]);
  });
});
