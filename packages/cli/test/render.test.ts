import { mkdtempSync, readFileSync, readdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import {
  AUDIENCES,
  FAMILY_BOARDS,
  formatDuration,
  loadSpecFiles,
  sloTierAlarmName,
  type AlarmFamilyName,
} from '@sre-kit/core';
import { validateGrafanaDashboard } from '@sre-kit/grafana';
import { registerRender, renderCommand } from '../src/commands/render';
import { runSre } from './run';

const ROOT = join(__dirname, '..', '..', '..');
const GRAFANA = join(ROOT, 'dashboards', 'grafana');
const CLOUDWATCH = join(ROOT, 'dashboards', 'cloudwatch');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const read = (file: string): Json => JSON.parse(readFileSync(file, 'utf8'));
const AUDIENCE_FILES = [...AUDIENCES, 'slo'].map((a) => `goodgreets-${a}.json`);

/** Regenerates dashboards/ from slos/ and alarms/ exactly as the committed README says (cwd = repo root). */
async function render(target: 'grafana' | 'cloudwatch', check: boolean) {
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    return await runSre([
      'render',
      target,
      ...(check ? ['--check'] : []),
      '--out',
      `dashboards/${target}`,
      'slos',
      'alarms',
    ]);
  } finally {
    process.chdir(cwd);
  }
}

// UPDATE_DASHBOARDS=1 npx jest packages/cli/test/render.test.ts rewrites dashboards/ (like `sre render` would).
const update = process.env.UPDATE_DASHBOARDS === '1';

describe('dashboards/ (generated from slos/ and alarms/)', () => {
  it.each(['grafana', 'cloudwatch'] as const)('%s: regenerating yields no diff', async (target) => {
    const { code, stdout, stderr } = await render(target, !update);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).not.toMatch(/differs/);
  });

  /** (namespace, metric, dimensions, statistic, period, region) of every metric, plus every math/SEARCH and log query. */
  function cloudWatchSignals(body: Json) {
    const metrics = new Set<string>();
    const expressions = new Set<string>();
    const logs = new Set<string>();
    for (const w of body.widgets) {
      if (w.type === 'log') logs.add(w.properties.query);
      if (w.type !== 'metric') continue;
      for (const entry of w.properties.metrics) {
        const options = entry.at(-1) as Json;
        if (typeof entry[0] !== 'string') {
          expressions.add(options.expression);
          continue;
        }
        const [namespace, name, ...rest] = entry.slice(0, -1) as string[];
        const dims: string[] = [];
        for (let i = 0; i < rest.length; i += 2) dims.push(`${rest[i]}=${rest[i + 1]}`);
        const stat = options.stat ?? w.properties.stat;
        const where = options.region ?? w.properties.region;
        metrics.add(
          `${namespace}|${name}|${dims.sort().join(',')}|${stat}|${options.period ?? w.properties.period}|${where}`,
        );
      }
    }
    return { metrics, expressions, logs };
  }

  // Grafana's 'default' region is the data source's, as provisioned next to the dashboards.
  const defaultRegion = () =>
    parse(readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'sre-kit.yaml'), 'utf8')).datasources[0].jsonData
      .defaultRegion as string;

  /** A live SLO tier: a stat evaluating the tier alarm's condition, where CloudWatch shows the alarm's state. */
  const isLiveTier = (panel: Json) =>
    panel.type === 'stat' && (panel.links ?? []).some((l: Json) => String(l.title).startsWith('Alarm '));

  function grafanaSignals(dashboard: Json) {
    const fallbackRegion = defaultRegion();
    // $region and $environment read as their selected values, which must be what CloudWatch shows.
    const selected = new Map<string, string>(
      (dashboard.templating.list as Json[])
        .filter((v) => v.type === 'query')
        .map((v) => [`$${v.name}`, v.current.value]),
    );
    expect(selected.get('$region')).toBe(fallbackRegion);
    const resolve = (text: string) => text.replace(/\$[a-z]+/g, (name) => selected.get(name) ?? name);
    const metrics = new Set<string>();
    const expressions = new Set<string>();
    const logs = new Set<string>();
    // Live tiers stand for CloudWatch's alarm status widgets; the next test holds them to those alarms.
    for (const panel of dashboard.panels.filter((p: Json) => !isLiveTier(p)))
      for (const t of panel.targets ?? []) {
        if (t.queryMode === 'Logs')
          logs.add(`${t.logGroupNames.map((g: string) => `SOURCE '${g}'`).join(' | ')} | ${t.expression}`);
        else if (t.queryMode === 'Metrics' && t.metricEditorMode === 1) expressions.add(resolve(t.expression));
        else if (t.queryMode === 'Metrics') {
          const dims = Object.entries(t.dimensions as Record<string, string>).map(([k, v]) => `${k}=${resolve(v)}`);
          const where = resolve(t.region);
          metrics.add(`${t.namespace}|${t.metricName}|${dims.sort().join(',')}|${t.statistic}|${t.period}|${where}`);
        }
      }
    return { metrics, expressions, logs };
  }

  it.each(AUDIENCE_FILES)('%s: Grafana and CloudWatch show the same metrics, math and log queries', (file) => {
    const cw = cloudWatchSignals(read(join(CLOUDWATCH, file)));
    const gf = grafanaSignals(read(join(GRAFANA, file)));
    expect(cw.metrics.size).toBeGreaterThan(5);
    expect([...gf.metrics].sort()).toEqual([...cw.metrics].sort());
    expect([...gf.expressions].sort()).toEqual([...cw.expressions].sort());
    expect([...gf.logs].sort()).toEqual([...cw.logs].sort());
  });

  it.each(AUDIENCE_FILES)('%s: every alarm CloudWatch shows state for, Grafana links in the console', async (file) => {
    const alarms = (read(join(CLOUDWATCH, file)).widgets as Json[])
      .filter((w) => w.type === 'alarm')
      .flatMap((w) => (w.properties.alarms as string[]).map((arn) => arn.split(':alarm:')[1]));
    const grafana = read(join(GRAFANA, file)).panels as Json[];
    const linked = new Set(
      grafana.flatMap((p) => [
        ...(p.links ?? []).map((l: Json) => l.url as string),
        ...Array.from(String(p.options?.content ?? '').matchAll(/\((https:[^)]+)\)/g), (m) => m[1]),
      ]),
    );
    for (const name of alarms)
      expect(linked).toContain(
        `https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/${encodeURIComponent(name)}`,
      );
    // SLO tiers are live in Grafana: a stat per tier alarm CloudWatch shows, evaluating its burn rates.
    const { slos } = await loadSpecFiles([join(ROOT, 'slos')]);
    const tierAlarms = new Set(slos.flatMap((slo) => slo.alerting.policy.tiers.map((t) => sloTierAlarmName(slo, t))));
    const live = grafana.filter(isLiveTier).map((p) => String(p.links[0].title).slice('Alarm '.length));
    expect(live.sort()).toEqual(alarms.filter((name) => tierAlarms.has(name)).sort());
    if (file === 'goodgreets-slo.json' || file === 'goodgreets-management.json') expect(live.length).toBeGreaterThan(0);
  });

  it('every Grafana dashboard is structurally valid against the provisioned data sources', () => {
    const datasources = parse(readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'sre-kit.yaml'), 'utf8'));
    const uids = datasources.datasources.map((d: Json) => d.uid);
    const files = readdirSync(GRAFANA).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual([...AUDIENCE_FILES].sort());
    for (const file of files)
      expect({
        file,
        problems: validateGrafanaDashboard(read(join(GRAFANA, file)), { knownDatasourceUids: uids }),
      }).toEqual({ file, problems: [] });
  });

  it('every generated file says how to regenerate it', () => {
    for (const file of AUDIENCE_FILES)
      expect(read(join(GRAFANA, file)).description).toContain(
        'Regenerate: sre render grafana --out dashboards/grafana slos alarms',
      );
    expect(readFileSync(join(GRAFANA, 'provisioning', 'dashboards', 'sre-kit.yaml'), 'utf8')).toMatch(
      /^# Generated by sre-kit/,
    );
    expect(readFileSync(join(ROOT, 'dashboards', 'README.md'), 'utf8')).toContain(
      'sre render cloudwatch --out dashboards/cloudwatch slos alarms',
    );
  });

  describe('honest drawing (on the committed dashboards, rendered from the real specs)', () => {
    const cw = AUDIENCE_FILES.flatMap((f) =>
      (read(join(CLOUDWATCH, f)).widgets as Json[]).map((w) => ({ file: f, ...w }) as Json),
    );
    const grafana = AUDIENCE_FILES.flatMap((f) => (read(join(GRAFANA, f)).panels as Json[]).filter((p) => p.targets));
    const visibleSeries = (w: Json) => (w.properties.metrics as Json[]).filter((m) => m.at(-1)?.visible !== false);

    it('CloudWatch never shades above a line at 0 or less (that colours the whole graph)', () => {
      const shading = cw.flatMap((w) =>
        ((w.properties?.annotations?.horizontal as Json[]) ?? []).filter((a) => a.fill === 'above' && a.value <= 0),
      );
      expect(shading).toEqual([]);
    });

    // Resource panels: a burn-rate panel's two windows are both what its tier alarm watches, so the SLO board is out of scope.
    it('threshold lines sit only on resource widgets with one visible series (the one the alarm watches)', () => {
      const crowded = cw
        .filter((w) => /developer|security/.test(w.file))
        .filter((w) => w.type === 'metric' && w.properties.annotations?.horizontal?.length > 0)
        .filter((w) => visibleSeries(w).length > 1)
        .map((w) => w.properties.title);
      expect(crowded).toEqual([]);
      expect(cw.some((w) => w.properties?.annotations?.horizontal?.length > 0)).toBe(true);
    });

    it('Grafana keeps 0 green under an "above 0" alarm (steps start strictly past the threshold)', () => {
      const redAtZero = grafana.filter((p) => {
        const steps = (p.fieldConfig?.defaults?.thresholds?.steps as Json[]) ?? [];
        // Turning from green to a severity exactly at 0 colours "no errors" (budget-left steps go the other way).
        return steps.some((s, i) => i > 0 && s.value === 0 && s.color !== 'green' && steps[i - 1].color === 'green');
      });
      expect(redAtZero.map((p) => p.title)).toEqual([]);
    });

    it('nothing overlapping or mixed-source is stacked', () => {
      const stacked = grafana.filter((p) => p.fieldConfig.defaults.custom?.stacking?.mode !== 'none');
      for (const p of stacked) expect(new Set((p.targets as Json[]).map((t) => t.datasource.type)).size).toBe(1);
      expect(stacked.map((p) => p.title).filter((t: string) => /allowed, blocked/.test(t))).toEqual([]);
      expect(cw.filter((w) => w.properties?.stacked && /allowed, blocked/.test(w.properties.title))).toEqual([]);
    });

    it('labels say what is counted; no CloudWatch metric widget claims month to date', () => {
      const titles = [...cw.map((w) => w.properties?.title ?? ''), ...grafana.map((p) => p.title)];
      expect(titles.filter((t: string) => /: CAPTCHA failures$|^Rejected uploads by reason$/.test(t))).toEqual([]);
      expect(
        cw.filter((w) => w.type === 'metric' && /month/i.test(w.properties.title)).map((w) => w.properties.title),
      ).toEqual([]);
    });
  });

  describe('what each audience sees', () => {
    const titles = (file: string) => (read(join(GRAFANA, file)).panels as Json[]).map((p) => p.title as string);
    const rows = (file: string) =>
      (read(join(GRAFANA, file)).panels as Json[]).filter((p) => p.type === 'row').map((p) => p.title as string);

    it('management: SLO summary, business flow (cards created, signed, delivered, uploads, delivery lag) and SLO status', async () => {
      const t = titles('goodgreets-management.json');
      expect(rows('goodgreets-management.json').slice(0, 3)).toEqual(['SLO summary', 'Business flow', 'SLO status']);
      for (const name of [
        'Cards created',
        'Messages added (cards signed)',
        'Cards delivered and failed',
        'Design uploads accepted and rejected',
        'Delivery lag (send time to email accepted)',
      ])
        expect(t).toContain(name);
      const { slos } = await loadSpecFiles([join(ROOT, 'slos')]);
      expect(slos.length).toBeGreaterThanOrEqual(5);
      for (const slo of slos)
        for (const what of ['attainment', 'budget remaining', 'time in breach'])
          expect(t).toContain(`${slo.displayName ?? slo.name}: ${what} (${formatDuration(slo.period.seconds)})`);
    });

    it('developer: rate, errors, duration and saturation of every component in the alarm policy', async () => {
      const t = titles('goodgreets-developer.json');
      const { alarmPolicies } = await loadSpecFiles([join(ROOT, 'alarms')]);
      let components = 0;
      for (const [family, resources] of Object.entries(alarmPolicies[0].families)) {
        const board = FAMILY_BOARDS[family as AlarmFamilyName];
        for (const r of resources ?? []) {
          components++;
          expect(rows('goodgreets-developer.json')).toContain(`${board.title}: ${r.id}`);
          for (const panel of board.panels) expect(t).toContain(`${r.id}: ${panel.title}`);
        }
      }
      expect(components).toBeGreaterThanOrEqual(10);
      const signals = new Set(Object.values(FAMILY_BOARDS).flatMap((b) => b.panels.map((p) => p.signal)));
      expect([...signals].sort()).toEqual(['duration', 'errors', 'rate', 'saturation']);
    });

    it('security: WAF allowed/blocked/CAPTCHA by rule, 4xx spikes, rejected uploads, CAPTCHA failures', () => {
      const t = titles('goodgreets-security.json');
      for (const acl of ['regional', 'cloudfront'])
        for (const suffix of ['requests allowed, blocked, CAPTCHA', 'blocked by rule', 'allowed by rule'])
          expect(t).toContain(`${acl}: ${suffix}`);
      // Only the CloudFront ACL has a CAPTCHA rule, and neither uses Bot Control (alarms/goodgreets.yaml attributes).
      expect(t).toContain('cloudfront: CAPTCHA by rule');
      expect(t).toContain('cloudfront: CAPTCHA puzzles served');
      expect(t.filter((x) => /^regional: CAPTCHA|bot signals/.test(x))).toEqual([]);
      for (const name of [
        'api: 4xx responses and expected band',
        'api: 4xx rate',
        'Rejected uploads (total; by reason from Prometheus)',
        'CAPTCHA failures at the API',
      ])
        expect(t).toContain(name);
    });
  });
});

describe('sre render', () => {
  it('--source prometheus draws the per-route panels from Prometheus, and says so in the regenerate command', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sre-render-local-'));
    const args = [
      'render',
      'grafana',
      '--source',
      'prometheus',
      '--out',
      out,
      join(ROOT, 'slos'),
      join(ROOT, 'alarms'),
    ];
    expect((await runSre(args)).code).toBe(0);
    const local = read(join(out, 'goodgreets-developer.json'));
    const routes = (d: Json) => (d.panels as Json[]).find((p) => p.title === 'p99 latency by route')!;
    expect(routes(local).targets.map((t: Json) => t.datasource.type)).toEqual(['prometheus']);
    expect(
      routes(read(join(GRAFANA, 'goodgreets-developer.json'))).targets.map((t: Json) => t.datasource.type),
    ).toEqual(['cloudwatch']);
    expect(local.description).toContain('--source prometheus');
    expect(
      (await runSre(['render', 'grafana', '--source', 'nowhere', '--out', out, join(ROOT, 'slos')])).code,
    ).not.toBe(0);
  });

  it('writes into a fresh folder, reports each file, and --check then finds nothing to change', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sre-render-'));
    const first = await runSre([
      'render',
      'cloudwatch',
      '--json',
      '--out',
      out,
      join(ROOT, 'slos'),
      join(ROOT, 'alarms'),
    ]);
    expect(first.code).toBe(0);
    const doc = JSON.parse(first.stdout);
    expect(doc).toMatchObject({ version: 1, target: 'cloudwatch', out });
    expect(doc.files.map((f: Json) => [f.path, f.status])).toEqual(AUDIENCE_FILES.map((f) => [f, 'written']));
    const again = await runSre([
      'render',
      'cloudwatch',
      '--check',
      '--out',
      out,
      join(ROOT, 'slos'),
      join(ROOT, 'alarms'),
    ]);
    expect(again.code).toBe(0);
  });

  it('--check exits 1 naming the file that drifted', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sre-render-'));
    cpSync(GRAFANA, out, { recursive: true });
    writeFileSync(join(out, 'goodgreets-developer.json'), '{}\n');
    const cwd = process.cwd();
    process.chdir(ROOT);
    try {
      const r = await runSre(['render', 'grafana', '--check', '--out', out, 'slos', 'alarms']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/differs\s+.*goodgreets-developer\.json/);
      expect(r.stderr).toContain('differ from the specs');
    } finally {
      process.chdir(cwd);
    }
  });

  it('refuses invalid specs with located errors and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sre-render-bad-'));
    const spec = join(dir, 'panels.yaml');
    writeFileSync(
      spec,
      [
        'apiVersion: sre-kit/v1',
        'kind: Dashboard',
        'metadata: { name: bad }',
        'spec:',
        '  service: x',
        '  audience: managment',
        '  section: S',
        '  widgets: []',
        '',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const r = await runSre(['render', 'grafana', '--out', out, spec]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${spec}:6:13: spec.audience: unknown audience "managment"`);
    expect(() => readdirSync(out)).toThrow();
  });

  describe('--dimension-values', () => {
    const specs = [join(ROOT, 'slos'), join(ROOT, 'alarms')];
    const namesFile = (text: string, ext = 'yaml') => {
      const dir = mkdtempSync(join(tmpdir(), 'sre-render-names-'));
      writeFileSync(join(dir, `names.${ext}`), text);
      return { dir, file: join(dir, `names.${ext}`), out: join(dir, 'out') };
    };

    it('renders the deployed names in place of the placeholders, in both targets', async () => {
      const { file, out } = namesFile(
        [
          'goodgreets-delivery: prod-DeliveryFn-1A2B3C',
          'E0000000000000: E2QWERTY123456',
          'goodgreets-regional: prod-regional-acl',
          '/goodgreets/api: /prod/goodgreets/api',
          '',
        ].join('\n'),
      );
      for (const target of ['grafana', 'cloudwatch']) {
        const r = await runSre(['render', target, '--dimension-values', file, '--out', join(out, target), ...specs]);
        expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
        const all = AUDIENCE_FILES.map((f) => readFileSync(join(out, target, f), 'utf8')).join('\n');
        for (const placeholder of [
          '"goodgreets-delivery"',
          'E0000000000000',
          // Whole JSON strings and SEARCH terms: the logical alarm names keep the resource id.
          '"goodgreets-regional"',
          '\\"goodgreets-regional\\"',
          "'/goodgreets/api'",
          '"/goodgreets/api"',
        ])
          expect(all).not.toContain(placeholder);
        for (const deployed of ['prod-DeliveryFn-1A2B3C', 'E2QWERTY123456', 'WebACL=\\"prod-regional-acl\\"'])
          expect(all).toContain(deployed);
      }
      const slo = read(join(out, 'grafana', 'goodgreets-slo.json'));
      expect(slo.description).toContain(`--dimension-values ${file}`);
    });

    it('warns about a placeholder no dashboard shows, and still renders', async () => {
      const { file, out } = namesFile(
        '{\n  "goodgreets-delivery": "prod-fn",\n  "goodgreets-delivry": "typo"\n}\n',
        'json',
      );
      const r = await runSre(['render', 'cloudwatch', '--dimension-values', file, '--out', out, ...specs]);
      expect(r.code).toBe(0);
      expect(r.stderr).toBe(
        `${file}:3:3: goodgreets-delivry: warning: matches no dimension value, SEARCH term or log group of the dashboards ` +
          '(check the spelling against the specs)\n',
      );
    });

    it('refuses a file that is not a map of names, with located errors, and writes nothing', async () => {
      const { file, out } = namesFile('goodgreets-delivery: prod-fn\nE0000000000000: [E1, E2]\n');
      const r = await runSre(['render', 'grafana', '--dimension-values', file, '--out', out, ...specs]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`${file}:2:17: E0000000000000: deployed value must be a non-empty string`);
      expect(r.stderr).toContain('nothing written');
      expect(() => readdirSync(out)).toThrow();
      const missing = await runSre([
        'render',
        'grafana',
        '--dimension-values',
        join(out, 'nope.yaml'),
        '--out',
        out,
        ...specs,
      ]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('cannot read --dimension-values');
      expect(missing.stderr).not.toMatch(/\n\s+at /);
    });
  });

  it('lets another file add a target to the same render group', () => {
    const program = new Command('sre');
    registerRender(program);
    renderCommand(program).command('prometheus');
    expect(program.commands.filter((c) => c.name() === 'render')).toHaveLength(1);
    expect(renderCommand(program).commands.map((c) => c.name())).toEqual(['grafana', 'cloudwatch', 'prometheus']);
  });
});
