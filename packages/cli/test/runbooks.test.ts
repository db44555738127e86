/**
 * The on-call runbooks of the repository's own specs: every SLO in slos/ links, through its `sre-kit/runbook`
 * annotation, to a page of docs/runbooks/ in this repository that exists and has the sections a paged engineer
 * looks for, and every alarm of alarms/ links to an anchor that exists in docs/runbooks/alarms.md. An SLO added
 * without a runbook, a renamed file or a dropped anchor fails here, not at 3 a.m.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadSpecFilesSync, resolveAlarms, SRE_KIT_ANNOTATIONS, type Slo } from '@sre-kit/core';

const ROOT = join(__dirname, '..', '..', '..');
const RUNBOOKS = 'docs/runbooks/';
const ALARMS_PAGE = `${RUNBOOKS}alarms.md`;

/** The sections every SLO runbook has, in this order (the template the pages share). */
const REQUIRED_HEADINGS = [
  'What this SLO measures',
  'Alert tiers',
  'First five minutes',
  'Likely causes and mitigations',
  'When to escalate',
  'Close-out',
];

/** `https://github.com/<owner>/<repo>/blob/main/`, from the root package.json's repository field. */
function blobBase(): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    repository?: string | { url?: string };
  };
  const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
  if (!url || !/^https:\/\/github\.com\/[^/]+\/[^/]+$/.test(url.replace(/\.git$/, ''))) {
    throw new Error(`package.json: repository must be a https://github.com/<owner>/<repo> URL, got ${String(url)}`);
  }
  return `${url.replace(/\.git$/, '')}/blob/main/`;
}

/** Lines outside fenced code blocks: a `#` comment in a shell example is not a heading. */
function proseLines(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').filter((line) => {
    if (/^\s*```/.test(line)) {
      fenced = !fenced;
      return false;
    }
    return !fenced;
  });
}

/** Heading texts with their level, in order. */
function headings(markdown: string): Array<{ level: number; text: string }> {
  return proseLines(markdown).flatMap((line) => {
    const m = /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    return m ? [{ level: m[1].length, text: m[2] }] : [];
  });
}

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces to `-`. */
function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** Every anchor a link can reach: explicit `<a id>` / `<a name>` and heading slugs. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
  for (const h of headings(markdown)) out.add(slug(h.text));
  return out;
}

/** The text of the `##` section with this heading, up to the next `##` or `#`. */
function section(markdown: string, heading: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) return '';
  const end = lines.findIndex((l, i) => i > start && /^#{1,2}\s/.test(l));
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** The objective as the runbooks write it: `99.9 %`. */
const percent = (objective: number) => `${Number((objective * 100).toPrecision(6))} %`;

const specs = loadSpecFilesSync([join(ROOT, 'slos'), join(ROOT, 'alarms')]);
const base = blobBase();

describe('runbooks of slos/ and alarms/', () => {
  it('loads the specs without errors and finds SLOs and an alarm policy', () => {
    expect(specs.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(specs.slos.length).toBeGreaterThan(0);
    expect(specs.alarmPolicies.length).toBeGreaterThan(0);
  });

  describe.each(specs.slos.map((slo) => [slo.name, slo] as [string, Slo]))('SLO %s', (name, slo) => {
    const url = slo.alerting.runbookUrl;
    const path = url?.startsWith(base) ? url.slice(base.length) : undefined;
    const text = path && existsSync(join(ROOT, path)) ? readFileSync(join(ROOT, path), 'utf8') : '';

    it(`has a ${SRE_KIT_ANNOTATIONS.runbook} annotation pointing at an existing docs/runbooks/ page of this repository`, () => {
      expect(url).toBeDefined();
      expect(url!.startsWith(`${base}${RUNBOOKS}`)).toBe(true);
      expect(path).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(join(ROOT, path!))).toBe(true);
    });

    it('names the SLO in its title and has the required sections in order', () => {
      const found = headings(text);
      expect(found[0]).toEqual({ level: 1, text: expect.stringContaining(name) });
      const second = found.filter((h) => h.level === 2).map((h) => h.text);
      expect(second.filter((h) => REQUIRED_HEADINGS.includes(h))).toEqual(REQUIRED_HEADINGS);
    });

    it("states the spec's objective and period, and every alert tier of its policy", () => {
      const measures = section(text, 'What this SLO measures');
      expect(measures).toContain(percent(slo.objective));
      expect(measures).toContain(`${slo.period.seconds / 86400} days`);
      const tiers = section(text, 'Alert tiers');
      for (const tier of slo.alerting.policy.tiers) {
        expect(tiers).toContain(tier.name);
        expect(tiers).toContain(`${tier.burnRate}`);
      }
    });
  });

  it('links between runbooks only to files and anchors that exist', () => {
    const folder = join(ROOT, RUNBOOKS);
    const broken: string[] = [];
    for (const file of readdirSync(folder).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(join(folder, file), 'utf8');
      for (const [, target] of proseLines(text)
        .join('\n')
        .matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target)) continue;
        const [page, anchor] = target.split('#');
        const path = page === '' ? join(folder, file) : join(dirname(join(folder, file)), page);
        if (!existsSync(path)) broken.push(`${file}: ${target} (no such file)`);
        else if (anchor !== undefined && path.endsWith('.md') && !anchors(readFileSync(path, 'utf8')).has(anchor))
          broken.push(`${file}: ${target} (no such anchor)`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('points every alarm of the alarm policies at an anchor of docs/runbooks/alarms.md', () => {
    const alarmsPage = readFileSync(join(ROOT, ALARMS_PAGE), 'utf8');
    const known = anchors(alarmsPage);
    const alarms = specs.alarmPolicies.flatMap((policy) => resolveAlarms(policy));
    expect(alarms.length).toBeGreaterThan(0);
    const wrong = alarms
      .map((a) => ({ alarm: `${a.resourceId}/${a.catalogueId}`, url: a.runbookUrl ?? '(none)' }))
      .filter(({ url }) => {
        const [page, anchor] = url.split('#');
        return page !== `${base}${ALARMS_PAGE}` || anchor === undefined || !known.has(anchor);
      });
    expect(wrong).toEqual([]);
  });

  it('finds anchors the way GitHub does (the checks above rest on it)', () => {
    const page = '# Alarms\n\n## lambda: Lambda functions\n\n<a id="lambda.errors"></a>\n```sh\n# not a heading\n```\n';
    expect([...anchors(page)].sort()).toEqual(['alarms', 'lambda-lambda-functions', 'lambda.errors']);
  });
});
