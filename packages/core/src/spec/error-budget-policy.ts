/**
 * `kind: ErrorBudgetPolicy` (apiVersion sre-kit/v1): the levels of remaining period budget at
 * which kinds of change stop shipping. A document of its own (like AlarmPolicy) rather than an
 * annotation on each SLO, so OpenSLO and Sloth specs stay as they are and one policy can govern
 * several SLOs; it names its SLOs, or governs every SLO no other policy names.
 *
 * ```yaml
 * apiVersion: sre-kit/v1
 * kind: ErrorBudgetPolicy
 * metadata: { name: goodgreets-deploys }
 * spec:
 *   slos: [api-availability]        # optional
 *   changes: [feature, fix]         # optional; the kinds `sre gate --change` accepts
 *   levels:
 *     - { name: low, remainingBelow: 25%, allow: [fix], action: only fixes deploy }
 *     - { name: exhausted, exhausted: true, allow: [], action: freeze }
 * ```
 */
import { DEFAULT_CHANGE_KINDS, type ErrorBudgetLevel, type ErrorBudgetPolicySpec } from '../model/error-budget-policy';
import { where, type ParseContext, type SpecDoc } from './context';
import type { At } from './reader';
import { closest, suggestion } from './suggest';

const SPEC_FIELDS = ['description', 'slos', 'changes', 'levels'];
const LEVEL_FIELDS = ['name', 'remainingBelow', 'exhausted', 'allow', 'action'];
const CHANGE_KIND = /^[a-z][a-z0-9-]*$/;

function percentText(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(10))}%`;
}

/** `25%` or a ratio in (0, 1]; 0 is written `exhausted: true` so "nothing left" reads as such. */
function parseRemainingBelow(at: At): number | undefined {
  const value = at.peek();
  const exhaustedHint = 'for an exhausted budget write exhausted: true instead';
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(value);
    if (!match) {
      at.error(`bad remainingBelow "${value}"`, 'write a percentage such as 25% or a ratio such as 0.25');
      return undefined;
    }
    const percent = Number(match[1]);
    if (percent === 0) at.error('remainingBelow 0% never holds', exhaustedHint);
    else if (percent > 100) at.error(`remainingBelow ${value} is above 100%`, 'the remaining budget starts at 100%');
    else return percent / 100;
    return undefined;
  }
  const ratio = at.number(true, 'remainingBelow (a percentage such as 25%)');
  if (ratio === undefined) return undefined;
  if (ratio > 0 && ratio <= 1) return ratio;
  if (ratio === 0) at.error('remainingBelow 0 never holds', exhaustedHint);
  else if (ratio > 1 && ratio <= 100)
    at.error(`remainingBelow ${ratio} is above 1`, `for a percentage write ${ratio}% (or the ratio ${ratio / 100})`);
  else at.error(`remainingBelow ${ratio} is out of range`, 'a percentage above 0% and at most 100%');
  return undefined;
}

function parseChangeList(at: At, what: string): string[] | undefined {
  if (!at.expectSeq(true, what)) return undefined;
  const out: string[] = [];
  for (const item of at.items()) {
    const kind = item.string(true, 'a kind of change');
    if (kind === undefined) continue;
    if (!CHANGE_KIND.test(kind)) {
      item.error(`bad kind of change "${kind}"`, 'use lower-case letters, digits and "-", e.g. fix or feature');
      continue;
    }
    if (out.includes(kind)) item.warn(`"${kind}" is listed twice`);
    else out.push(kind);
  }
  return out;
}

function parseLevel(at: At, changes: readonly string[], changesAt: At): ErrorBudgetLevel | undefined {
  if (!at.expectMap(true, 'a level (remainingBelow or exhausted, and allow)')) return undefined;
  at.fields(LEVEL_FIELDS);
  const belowAt = at.get('remainingBelow');
  const exhaustedAt = at.get('exhausted');
  let remainingBelow: number | undefined;
  if (belowAt.present && exhaustedAt.present) {
    exhaustedAt.error('a level has remainingBelow or exhausted, not both', 'keep one of them');
    return undefined;
  }
  if (exhaustedAt.present) {
    const exhausted = exhaustedAt.boolean(true);
    if (exhausted === false)
      exhaustedAt.error('exhausted: false describes no level', 'write remainingBelow: 25% for a low budget');
    if (exhausted) remainingBelow = 0;
  } else if (belowAt.present) {
    remainingBelow = parseRemainingBelow(belowAt);
  } else {
    at.error('a level needs remainingBelow (e.g. 25%) or exhausted: true');
  }
  const allowAt = at.get('allow');
  const allow = parseChangeList(allowAt, 'allow (the kinds of change still allowed; [] freezes)');
  for (const [i, kind] of (allow ?? []).entries()) {
    if (!changes.includes(kind)) {
      const near = closest(kind, changes);
      const declare = changesAt.present
        ? `add it to spec.changes (${changes.join(', ')})`
        : `declare spec.changes: [${[...changes, kind].join(', ')}] (the default is ${changes.join(', ')})`;
      allowAt.items()[i].error(`unknown kind of change "${kind}"`, near ? `did you mean "${near}"?` : declare);
    }
  }
  const action = at.get('action').string();
  const name = at.get('name').string();
  if (remainingBelow === undefined || allow === undefined) return undefined;
  return {
    name: name ?? (remainingBelow === 0 ? 'exhausted' : `below-${percentText(remainingBelow)}`),
    remainingBelow,
    allow: allow.filter((k) => changes.includes(k)),
    ...(action !== undefined ? { action } : {}),
    location: (at.has('name') ? at.get('name') : at).location(),
  };
}

function parseSloNames(at: At, ctx: ParseContext): string[] | undefined {
  if (!at.present) return undefined;
  if (!at.expectSeq(false, 'slos (a list of SLO names)')) return undefined;
  const known = ctx.slos.map((s) => s.name);
  const out: string[] = [];
  for (const item of at.items()) {
    const name = item.string(true, 'an SLO name');
    if (name === undefined) continue;
    if (!known.includes(name)) {
      item.error(
        `unknown SLO "${name}"`,
        suggestion(name, known) ||
          'load the SLO specs with the policy (a multi-objective SLO is named <name>-<objective>)',
      );
    } else if (out.includes(name)) item.warn(`SLO "${name}" is listed twice`);
    else out.push(name);
  }
  if (at.items().length === 0) at.error('slos is empty', 'name the SLOs, or leave slos out to govern every SLO');
  return out;
}

export function parseErrorBudgetPolicy(doc: SpecDoc, ctx: ParseContext): void {
  const spec = doc.root.get('spec');
  if (!spec.expectMap(true, 'spec')) return;
  spec.fields(SPEC_FIELDS);
  const description = spec.get('description').string();
  const changesAt = spec.get('changes');
  const changes = changesAt.present ? (parseChangeList(changesAt, 'changes') ?? []) : [...DEFAULT_CHANGE_KINDS];
  if (changesAt.present && changes.length === 0 && changesAt.isSeq)
    changesAt.error('changes is empty', 'list the kinds of change pipelines announce, e.g. [feature, fix]');
  const slosAt = spec.get('slos');
  const slos = parseSloNames(slosAt, ctx);

  const levelsAt = spec.get('levels');
  if (!levelsAt.expectSeq(true, 'levels (what may deploy at which remaining budget)')) return;
  if (levelsAt.items().length === 0) levelsAt.error('levels is empty', 'add e.g. { exhausted: true, allow: [] }');
  const levels: ErrorBudgetLevel[] = [];
  const levelAt: At[] = [];
  for (const item of levelsAt.items()) {
    const level = parseLevel(item, changes, changesAt);
    if (!level) continue;
    const same = levels.findIndex((l) => l.remainingBelow === level.remainingBelow);
    if (same >= 0) {
      item.error(
        `two levels at ${level.remainingBelow === 0 ? 'an exhausted budget' : `remainingBelow ${percentText(level.remainingBelow)}`}`,
        `the other is at ${where(levels[same].location)}; each level needs its own threshold`,
      );
      continue;
    }
    levels.push(level);
    levelAt.push(item);
  }
  // A lower budget must never allow what a higher one forbids: the gate would open as things get worse.
  const order = levels.map((_, i) => i).sort((a, b) => levels[a].remainingBelow - levels[b].remainingBelow);
  for (let k = 0; k < order.length; k++) {
    const worse = levels[order[k]];
    for (let j = k + 1; j < order.length; j++) {
      const better = levels[order[j]];
      const opened = worse.allow.filter((c) => !better.allow.includes(c));
      if (opened.length > 0) {
        levelAt[order[k]]
          .get('allow')
          .error(
            `level "${worse.name}" allows ${opened.join(', ')}, which level "${better.name}" (less budget spent) forbids`,
            `a lower budget allows at most what a higher one does; remove ${opened.join(', ')} here or allow it at ${where(better.location)}`,
          );
      }
    }
  }
  // Policies split the SLOs between them: an SLO under two policies would have two answers.
  for (const other of ctx.errorBudgetPolicies) {
    if (slos === undefined && other.slos === undefined) {
      doc.nameAt.error(
        `ErrorBudgetPolicy "${doc.name}" and "${other.name}" both govern every SLO`,
        `name the SLOs of one of them with spec.slos (the other is at ${where(other.location)})`,
      );
    }
    for (const name of slos ?? []) {
      if (other.slos?.includes(name)) {
        slosAt
          .items()
          .find((i) => i.peek() === name)
          ?.error(
            `SLO "${name}" is already governed by ErrorBudgetPolicy "${other.name}"`,
            `declared at ${where(other.location)}`,
          );
      }
    }
  }
  ctx.errorBudgetPolicies.push({
    name: doc.name,
    ...(description !== undefined ? { description } : {}),
    ...(slos !== undefined ? { slos } : {}),
    changes,
    levels: order.map((i) => levels[i]),
    location: doc.nameAt.location(),
  } satisfies ErrorBudgetPolicySpec);
}
