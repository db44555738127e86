/**
 * `kind: ErrorBudgetPolicy`: a good policy loads with its levels most severe first; each bad one
 * is reported at the marked line and path with its own message and a hint saying how to fix it.
 */
import { formatDiagnostic, loadSpecTexts } from '../src/spec';
import { FILE, markedLine, slo } from './spec-errors/builders';

const POLICY = `apiVersion: sre-kit/v1
kind: ErrorBudgetPolicy
metadata:
  name: deploys
spec:
  slos: [api-availability]
  changes: [feature, fix, security]
  levels:
    - name: low
      remainingBelow: 25%
      allow: [fix, security]
      action: only fixes deploy
    - name: exhausted
      exhausted: true
      allow: [security]
      action: freeze
`;

function policy(patch: Record<string, string>): string {
  let text = POLICY;
  for (const [from, to] of Object.entries(patch)) {
    if (!text.includes(from)) throw new Error(`patch target not found: ${from}`);
    text = text.replace(from, to);
  }
  return text;
}

const load = (...docs: string[]) => loadSpecTexts([{ file: FILE, text: docs.join('---\n') }]);

describe('ErrorBudgetPolicy', () => {
  it('loads levels most severe first, ratios and percentages alike, next to unchanged SLOs', () => {
    const set = load(
      slo(),
      policy({ 'remainingBelow: 25%': 'remainingBelow: 0.25', '- name: low': '- name: low # x' }),
    );
    expect(set.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(set.slos.map((s) => s.name)).toEqual(['api-availability']);
    const [p] = set.errorBudgetPolicies;
    expect(p).toMatchObject({ name: 'deploys', slos: ['api-availability'], changes: ['feature', 'fix', 'security'] });
    expect(p.levels.map((l) => [l.name, l.remainingBelow, l.allow, l.action])).toEqual([
      ['exhausted', 0, ['security'], 'freeze'],
      ['low', 0.25, ['fix', 'security'], 'only fixes deploy'],
    ]);
  });

  it('defaults to feature and fix, to every SLO, and names unnamed levels by their threshold', () => {
    const set = load(
      slo(),
      `apiVersion: sre-kit/v1
kind: ErrorBudgetPolicy
metadata: { name: all }
spec:
  levels:
    - { remainingBelow: 50%, allow: [fix] }
    - { exhausted: true, allow: [] }
`,
    );
    expect(set.diagnostics).toEqual([]);
    const [p] = set.errorBudgetPolicies;
    expect(p.slos).toBeUndefined();
    expect(p.changes).toEqual(['feature', 'fix']);
    expect(p.levels.map((l) => l.name)).toEqual(['exhausted', 'below-50%']);
  });

  const cases: { name: string; yaml: string; path: string; message: RegExp; hint?: RegExp; severity?: string }[] = [
    {
      name: 'unknown SLO, with a suggestion',
      yaml: policy({ '  slos: [api-availability]': '  slos: [api-availabilty] # <-' }),
      path: 'spec.slos[0]',
      message: /^unknown SLO "api-availabilty"$/,
      hint: /api-availability/,
    },
    {
      name: 'percentage above 100',
      yaml: policy({ '      remainingBelow: 25%': '      remainingBelow: 125% # <-' }),
      path: 'spec.levels[0].remainingBelow',
      message: /above 100%/,
    },
    {
      name: 'a percentage written as a bare number',
      yaml: policy({ '      remainingBelow: 25%': '      remainingBelow: 25 # <-' }),
      path: 'spec.levels[0].remainingBelow',
      message: /remainingBelow 25 is above 1/,
      hint: /25%/,
    },
    {
      name: 'zero threshold instead of exhausted',
      yaml: policy({ '      remainingBelow: 25%': '      remainingBelow: 0% # <-' }),
      path: 'spec.levels[0].remainingBelow',
      message: /never holds/,
      hint: /exhausted: true/,
    },
    {
      name: 'garbage threshold',
      yaml: policy({ '      remainingBelow: 25%': '      remainingBelow: a quarter # <-' }),
      path: 'spec.levels[0].remainingBelow',
      message: /bad remainingBelow "a quarter"/,
    },
    {
      name: 'both remainingBelow and exhausted',
      yaml: policy({ '      exhausted: true': '      exhausted: true # <-\n      remainingBelow: 5%' }),
      path: 'spec.levels[1].exhausted',
      message: /not both/,
    },
    {
      name: 'neither remainingBelow nor exhausted',
      yaml: policy({ '    - name: exhausted\n      exhausted: true\n': '    - name: exhausted # <-\n' }),
      path: 'spec.levels[1]',
      message: /needs remainingBelow/,
    },
    {
      name: 'allow names an undeclared kind of change, with a suggestion',
      yaml: policy({ '      allow: [fix, security]': '      allow: [fixes, security] # <-' }),
      path: 'spec.levels[0].allow[0]',
      message: /^unknown kind of change "fixes"$/,
      hint: /fix/,
    },
    {
      name: 'allow names a kind the default changes lack',
      yaml: policy({
        '  changes: [feature, fix, security]\n': '',
        '      allow: [fix, security]': '      allow: [fix, hotfix] # <-',
      }),
      path: 'spec.levels[0].allow[1]',
      message: /unknown kind of change "hotfix"/,
      hint: /declare spec\.changes: \[feature, fix, hotfix\]/,
    },
    {
      name: 'a lower level allowing what a higher one forbids',
      yaml: policy({ '      allow: [security]': '      allow: [feature, security] # <-' }),
      path: 'spec.levels[1].allow',
      message: /level "exhausted" allows feature, which level "low" \(less budget spent\) forbids/,
    },
    {
      name: 'two levels at one threshold',
      yaml: policy({ '      exhausted: true': '      remainingBelow: 0.25' }).replace(
        '    - name: exhausted',
        '    - name: exhausted # <-',
      ),
      path: 'spec.levels[1]',
      message: /two levels at remainingBelow 25%/,
    },
    {
      name: 'unknown field in a level, with a suggestion',
      yaml: policy({ '      action: freeze': '      actions: freeze # <-' }),
      path: 'spec.levels[1].actions',
      message: /unknown field "actions"/,
      hint: /action/,
    },
    {
      name: 'no levels',
      yaml: policy({}).replace(/ {2}levels:[\s\S]*$/, '  levels: [] # <-\n'),
      path: 'spec.levels',
      message: /levels is empty/,
    },
    {
      name: 'bad kind of change',
      yaml: policy({ '  changes: [feature, fix, security]': '  changes: [feature, Fix!, security] # <-' }),
      path: 'spec.changes[1]',
      message: /bad kind of change "Fix!"/,
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('rejects %s at its line', (_name, c) => {
    const { diagnostics } = load(slo(), c.yaml);
    // The SLO comes first in the file, the policy after the `---`.
    const line = markedLine(`${slo()}---\n${c.yaml}`);
    const match = diagnostics.find((d) => d.line === line && d.path === c.path && c.message.test(d.message));
    expect({ found: !!match, all: diagnostics.map(formatDiagnostic) }).toEqual(
      expect.objectContaining({ found: true }),
    );
    expect(match!.severity).toBe(c.severity ?? 'error');
    if (c.hint) expect(match!.hint).toMatch(c.hint);
  });

  it('refuses two policies over one SLO, and two catch-all policies', () => {
    const second = policy({ 'name: deploys': 'name: other' });
    const both = load(slo(), POLICY, second).diagnostics.map(formatDiagnostic);
    expect(both).toEqual([
      expect.stringMatching(
        /spec\.slos\[0\]: SLO "api-availability" is already governed by ErrorBudgetPolicy "deploys"/,
      ),
    ]);
    const catchAll = (name: string) => policy({ 'name: deploys': `name: ${name}`, '  slos: [api-availability]\n': '' });
    const two = load(slo(), catchAll('one'), catchAll('two')).diagnostics.map(formatDiagnostic);
    expect(two).toEqual([
      expect.stringMatching(/metadata\.name: ErrorBudgetPolicy "two" and "one" both govern every SLO/),
    ]);
  });
});
