import fc from 'fast-check';
import {
  buildDashboards,
  buildSpecDashboards,
  dashboardShowsData,
  FAMILY_BOARDS,
  layoutDashboard,
  renameIds,
  resourceAlarmName,
  sloTierAlarmName,
} from '../src/dashboards';
import { flattenSource } from '../src/dashboards/queries';
import { mergePanels } from '../src/dashboards/panels';
import { resolveAlarms } from '../src/catalogue';
import { errorBudget, tierThreshold } from '../src/math';
import type { Dashboard, TimeSeriesWidget, Widget } from '../src/model/dashboard';
import { PANELS, POLICY, SLOS } from './fixtures/goodgreets';

const build = (panels = PANELS) =>
  buildDashboards({ slos: SLOS, alarmPolicies: [POLICY], service: 'goodgreets', panels });
const byAudience = (dashboards: Dashboard[], audience: string) => dashboards.find((d) => d.audience === audience)!;
const widgets = (d: Dashboard): Widget[] => d.sections.flatMap((s) => s.widgets);
const metricNames = (w: Widget): string[] =>
  'queries' in w
    ? w.queries.flatMap((q) => ('source' in q && q.source.type === 'CloudWatch' ? [q.source.metricName] : []))
    : [];

describe('buildDashboards', () => {
  const dashboards = build();

  it('builds one dashboard per audience plus the SLO dashboard, named after the service', () => {
    expect(dashboards.map((d) => d.name)).toEqual([
      'goodgreets-management',
      'goodgreets-developer',
      'goodgreets-security',
      'goodgreets-slo',
    ]);
  });

  it('leaves out SLOs and policies of other services', () => {
    const other = buildDashboards({ slos: SLOS, alarmPolicies: [POLICY], service: 'other' });
    expect(other.every((d) => widgets(d).every((w) => w.type === 'text'))).toBe(true);
  });

  describe('developer', () => {
    const dev = byAudience(dashboards, 'developer');

    it('has a section per monitored resource with every RED and saturation panel of its family', () => {
      for (const [family, resources] of Object.entries(POLICY.families)) {
        for (const resource of resources ?? []) {
          const section = dev.sections.find(
            (s) => s.title.endsWith(`: ${resource.id}`) && s.title.startsWith(FAMILY_BOARDS[family as 'lambda'].title),
          );
          expect(section).toBeDefined();
          const titles = section!.widgets.map((w) => w.title);
          for (const panel of FAMILY_BOARDS[family as 'lambda'].panels)
            expect(titles).toContain(`${resource.id}: ${panel.title}`);
        }
      }
    });

    it('fills metric dimensions from the resource', () => {
      const lambda = widgets(dev).find((w) => w.title === 'delivery: Invocations') as TimeSeriesWidget;
      expect(lambda.queries[0]).toMatchObject({
        source: {
          namespace: 'AWS/Lambda',
          metricName: 'Invocations',
          dimensions: { FunctionName: 'goodgreets-delivery' },
          statistic: 'Sum',
        },
      });
    });

    it('draws the threshold of every resolved alarm and lists every alarm in the status widget', () => {
      const resolved = resolveAlarms(POLICY);
      expect(resolved.length).toBeGreaterThan(20);
      for (const alarm of resolved) {
        const section = dev.sections.find(
          (s) =>
            s.title.endsWith(`: ${alarm.resourceId}`) &&
            s.widgets.some((w) => w.type === 'alarmStatus' && w.alarmNames.includes(resourceAlarmName(alarm))),
        );
        expect(section).toBeDefined();
        if (alarm.threshold === undefined) continue;
        const drawn = section!.widgets.some(
          (w) =>
            'thresholds' in w &&
            w.thresholds.some((t) => t.value === alarm.threshold && t.label.startsWith(alarm.title)),
        );
        expect({ alarm: alarm.catalogueId, drawn }).toEqual({ alarm: alarm.catalogueId, drawn: true });
      }
    });

    it('says which panels it left out when a resource lacks a dimension, instead of drawing a wrong metric', () => {
      const policy = {
        ...POLICY,
        families: { alb: [{ ...POLICY.families.alb![0], dimensions: { LoadBalancer: 'app/x/1' } }] },
      };
      const [, developer] = buildDashboards({ slos: [], alarmPolicies: [policy], service: 'goodgreets' });
      const note = widgets(developer).find((w) => w.type === 'text');
      expect(note).toMatchObject({ markdown: expect.stringContaining('TargetGroup') });
      expect(widgets(developer).some((w) => w.title === 'api: Target health')).toBe(false);
    });
  });

  describe('SLO dashboard', () => {
    const slo = byAudience(dashboards, 'slo');

    it('draws each tier with its burn rate as the threshold and its two windows as query periods', () => {
      for (const s of SLOS) {
        for (const tier of s.alerting.policy.tiers) {
          const w = widgets(slo).find((x) =>
            x.title.startsWith(`${s.displayName}: burn rate ${tier.name} `),
          ) as TimeSeriesWidget;
          expect(w.thresholds.map((t) => t.value)).toEqual([tier.burnRate]);
          expect(w.thresholds[0].severity).toBe(tier.severity === 'page' ? 'critical' : 'warning');
          if (s.name === 'card-delivery') {
            const exprs = w.queries.map((q) => ('source' in q && q.source.type === 'Prometheus' ? q.source.query : ''));
            expect(exprs[0]).toContain(
              `[${tier.longWindowSeconds / 3600 >= 24 ? `${tier.longWindowSeconds / 86400}d` : `${tier.longWindowSeconds / 3600}h`}]`,
            );
          } else {
            const periods = w.queries.flatMap((q) =>
              'periodSeconds' in q && q.periodSeconds ? [q.periodSeconds] : [],
            );
            expect(new Set(periods)).toEqual(new Set([tier.longWindowSeconds, tier.shortWindowSeconds]));
          }
        }
      }
    });

    it('states the tier thresholds from core math and lists the tier alarms', () => {
      for (const s of SLOS) {
        const text = widgets(slo).find((w) => w.type === 'text' && w.title.startsWith(`${s.displayName}:`));
        for (const tier of s.alerting.policy.tiers)
          expect(text).toMatchObject({
            markdown: expect.stringContaining(`| ${+tierThreshold(tier, s.objective).toPrecision(6)} |`),
          });
        const status = widgets(slo).find((w) => w.type === 'alarmStatus' && w.title.startsWith(`${s.displayName}:`));
        expect(status).toMatchObject({ alarmNames: s.alerting.policy.tiers.map((t) => sloTierAlarmName(s, t)) });
      }
    });

    it('computes the budget left from the error budget of the objective, over the period and month to date', () => {
      const budgets = widgets(slo).filter((w) => w.title.startsWith('api availability: budget remaining'));
      expect(budgets.map((w) => ('timeRange' in w ? w.timeRange : undefined))).toEqual([
        { kind: 'last', seconds: 30 * 86400 },
        { kind: 'monthToDate' },
      ]);
      const left = (budgets[0] as TimeSeriesWidget).queries.find((q) => q.id === 'left');
      expect(left).toMatchObject({
        expression: expect.stringContaining(`(${+errorBudget(0.999).toPrecision(12)} * RUNNING_SUM(`),
      });
    });

    it('draws the SLI against the objective', () => {
      const sli = widgets(slo).find((w) => w.title.startsWith('api latency: SLI vs objective')) as TimeSeriesWidget;
      expect(sli.thresholds).toEqual([expect.objectContaining({ value: 0.99, comparison: 'below' })]);
      expect(metricNames(sli)).toEqual(['TargetResponseTime', 'TargetResponseTime']);
    });
  });

  describe('management and security', () => {
    it('leads with one attainment per SLO, then the business-flow panels, then SLO status for every SLO', () => {
      const mgmt = byAudience(dashboards, 'management');
      expect(mgmt.sections.map((s) => s.title)).toEqual(['SLO summary', 'Business flow', 'SLO status']);
      const summary = mgmt.sections[0].widgets;
      expect(summary.map((w) => w.title)).toEqual(SLOS.map((s) => `${s.displayName}: attainment (30d)`));
      // One row: the widths add up to the grid at most.
      expect(summary.reduce((sum, w) => sum + w.width, 0)).toBeLessThanOrEqual(24);
      for (const [i, w] of summary.entries()) {
        expect(w).toMatchObject({
          type: 'singleValue',
          unit: 'ratio',
          timeRange: { kind: 'last', seconds: SLOS[i].period.seconds },
        });
        // Red below the objective: attainment is what the SLO is judged on.
        expect('thresholds' in w && w.thresholds).toEqual([
          expect.objectContaining({ value: SLOS[i].objective, comparison: 'below', severity: 'critical' }),
        ]);
      }
      const status = mgmt.sections[2].widgets;
      for (const s of SLOS) {
        expect(status.filter((w) => w.title.startsWith(`${s.displayName}: budget remaining`))).toHaveLength(2);
        const breach = status.find((w) => w.title === `${s.displayName}: time in breach (30d)`);
        // Hours whose own error ratio exceeded the budget, added over the period, in seconds.
        const shown = breach && 'queries' in breach ? breach.queries.filter((q) => !q.hidden) : [];
        expect(shown).toHaveLength(1);
        const q = shown[0]!;
        const text = 'expression' in q ? q.expression : q.source.type === 'Prometheus' ? q.source.query : '';
        expect(text).toMatch(
          'expression' in q
            ? /^3600 \* RUNNING_SUM\(IF\(FILL\(\w+, 0\) > 0\.\d+ \* FILL\(\w+, 0\), 1, 0\)\)$/
            : /^3600 \* sum_over_time\(\(.+ > bool 0\.\d+\)\[\$__range:1h\]\)$/,
        );
      }
    });

    it('shows a visible hint when no business-flow panels are given', () => {
      const mgmt = byAudience(build([]), 'management');
      expect(mgmt.sections[1]).toMatchObject({ title: 'Business flow', widgets: [{ type: 'text' }] });
    });

    it('shows WAF traffic by action and by rule, CAPTCHA failures, bot signals and 4xx spikes', () => {
      const sec = byAudience(dashboards, 'security');
      const all = widgets(sec);
      const expressions = all.flatMap((w) =>
        'queries' in w ? w.queries.flatMap((q) => ('expression' in q ? [q.expression] : [])) : [],
      );
      expect(metricNames(all.find((w) => w.title === 'edge: requests allowed, blocked, CAPTCHA')!)).toEqual([
        'AllowedRequests',
        'BlockedRequests',
        'CaptchaRequests',
        'CountedRequests',
      ]);
      expect(expressions).toContain(
        `SEARCH('{AWS/WAFV2,Region,Rule,WebACL} MetricName="BlockedRequests" WebACL="goodgreets"', 'Sum', 300)`,
      );
      expect(expressions.some((e) => e.includes('bot-control:bot:category'))).toBe(true);
      expect(expressions).toContain('FILL(captcha, 0) - FILL(valid, 0)');
      expect(metricNames(all.find((w) => w.title === 'api: 4xx responses and expected band')!)).toEqual([
        'HTTPCode_ELB_4XX_Count',
        'HTTPCode_Target_4XX_Count',
      ]);
      expect(sec.sections.at(-1)).toMatchObject({ title: 'App abuse signals' });
    });

    it('draws CAPTCHA and bot panels only for ACLs that publish them (captcha / botControl attributes)', () => {
      const titles = (attributes: Record<string, string> | undefined) => {
        const waf = { ...POLICY.families.waf![0]!, attributes };
        const policy = { ...POLICY, families: { waf: [waf] } };
        const sec = buildDashboards({ slos: [], alarmPolicies: [policy], service: 'goodgreets' })[2]!;
        const all = widgets(sec);
        const captchaReaders = all.filter(
          (w) =>
            metricNames(w).includes('CaptchaRequests') ||
            ('queries' in w && w.queries.some((q) => 'expression' in q && /Captcha|bot-control/.test(q.expression))),
        );
        return { all: all.map((w) => w.title), captchaReaders: captchaReaders.map((w) => w.title) };
      };
      const none = titles(undefined);
      expect(none.captchaReaders).toEqual([]);
      expect(none.all).toEqual([
        'edge: requests allowed, blocked, CAPTCHA',
        'edge: blocked by rule',
        'edge: allowed by rule',
      ]);
      const captcha = titles({ captcha: 'true', botControl: 'false' });
      expect(captcha.all).toContain('edge: CAPTCHA by rule');
      expect(captcha.all).not.toContain('edge: bot signals');
      expect(titles({ captcha: 'false', botControl: 'true' }).captchaReaders).toEqual(['edge: bot signals']);
    });
  });
});

describe('mergePanels', () => {
  const text = (title: string): Widget => ({ type: 'text', title, width: 6, height: 2, markdown: title });
  it('appends to a section of the same title and places new sections first or last', () => {
    const merged = mergePanels(
      'developer',
      [{ title: 'A', widgets: [text('a1')] }],
      [
        { audience: 'developer', section: 'A', position: 'last', widgets: [text('a2')] },
        { audience: 'developer', section: 'Top', position: 'first', widgets: [text('t')] },
        { audience: 'developer', section: 'End', position: 'last', widgets: [text('e')] },
        { audience: 'security', section: 'A', position: 'last', widgets: [text('other')] },
      ],
    );
    expect(merged.map((s) => [s.title, s.widgets.map((w) => w.title)])).toEqual([
      ['Top', ['t']],
      ['A', ['a1', 'a2']],
      ['End', ['e']],
    ]);
  });
});

describe('queries', () => {
  it('renames expression ids but not functions or numbers', () => {
    expect(renameIds('IF(total > 0, 100 * FILL(bad, 0) / total, 0)', (id) => `p_${id}`)).toBe(
      'IF(p_total > 0, 100 * FILL(p_bad, 0) / p_total, 0)',
    );
  });

  it('flattens an expression source into hidden metrics under a prefix', () => {
    const m = {
      type: 'CloudWatch',
      kind: 'metric',
      namespace: 'N',
      metricName: 'M',
      dimensions: {},
      statistic: 'Sum',
    } as const;
    const flat = flattenSource(
      'x',
      { type: 'CloudWatch', kind: 'expression', expression: 'a / b', metrics: { a: m, b: m } },
      { periodSeconds: 60 },
    );
    expect(flat.queries.map((q) => [q.id, q.hidden ?? false, 'expression' in q ? q.expression : 'metric'])).toEqual([
      ['x_a', true, 'metric'],
      ['x_b', true, 'metric'],
      ['x', false, 'x_a / x_b'],
    ]);
  });
});

describe('layoutDashboard', () => {
  it('never overlaps widgets and keeps them inside 24 columns', () => {
    const widget = fc.record({ width: fc.integer({ min: 1, max: 30 }), height: fc.integer({ min: 1, max: 9 }) });
    fc.assert(
      fc.property(fc.array(fc.array(widget, { maxLength: 12 }), { maxLength: 5 }), (sections) => {
        const d: Dashboard = {
          name: 'x',
          audience: 'developer',
          title: 'x',
          description: '',
          sections: sections.map((ws, i) => ({
            title: `s${i}`,
            widgets: ws.map((w, j) => ({ type: 'text' as const, title: `${i}.${j}`, markdown: '', ...w })),
          })),
        };
        const boxes = layoutDashboard(d).flatMap((s) => [s.header, ...s.widgets.map((w) => w.pos)]);
        for (const [i, a] of boxes.entries()) {
          expect(a.x + a.w).toBeLessThanOrEqual(24);
          for (const b of boxes.slice(i + 1))
            expect(a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h).toBe(false);
        }
      }),
    );
  });
});

describe('alarm panels', () => {
  it('show the alarm metric in the unit its family board uses, and percentages for percent math', () => {
    const dev = buildDashboards({ slos: [], alarmPolicies: [POLICY], service: 'goodgreets' })[1];
    const units = Object.fromEntries(
      dev.sections.flatMap((s) => s.widgets).flatMap((w) => (w.type === 'timeSeries' ? [[w.title, w.unit]] : [])),
    );
    expect(units['api: Target 5XX rate (percent of requests)']).toBe('percent');
    expect(units['api: ALB target group has no healthy targets']).toBe('count');
  });
});

describe('regions', () => {
  it('queries a CloudFront-scope web ACL (no Region dimension) in us-east-1 and a regional one in the dashboard region', () => {
    const waf = POLICY.families.waf![0];
    const cloudfront = { ...waf, id: 'edge-cf', dimensions: { WebACL: 'goodgreets-cf', Rule: 'ALL' } };
    const policy = { ...POLICY, families: { waf: [waf, cloudfront] } };
    const [, developer, security] = buildDashboards({ slos: [], alarmPolicies: [policy], service: 'goodgreets' });
    const regionOf = (title: string) =>
      [...developer.sections, ...security.sections].flatMap((s) => s.widgets).find((w) => w.title === title)?.region;
    expect(regionOf('edge-cf: bot signals')).toBe('us-east-1');
    expect(regionOf('edge-cf: Allowed and blocked')).toBe('us-east-1');
    expect(regionOf('edge: bot signals')).toBeUndefined();
    expect(regionOf('edge: Allowed and blocked')).toBeUndefined();
  });
});

describe('dashboardShowsData', () => {
  it('is false for a dashboard of text alone, true once a widget reads data', () => {
    // One Lambda function and no SLO: the developer dashboard has its panels, security none, the
    // management one only the business-flow hint, the SLO one nothing.
    const lambdaOnly = { ...POLICY, families: { lambda: POLICY.families.lambda } };
    const shows = buildDashboards({ slos: [], alarmPolicies: [lambdaOnly], service: 'goodgreets' }).map((d) => [
      d.audience,
      dashboardShowsData(d),
    ]);
    expect(Object.fromEntries(shows)).toEqual({ management: false, developer: true, security: false, slo: false });
    const all = buildDashboards({ slos: SLOS, alarmPolicies: [POLICY], service: 'goodgreets', panels: PANELS });
    expect(all.map((d) => dashboardShowsData(d))).toEqual([true, true, true, true]);
  });

  it('decides what `sre render` writes and `sre cost` bills, as the CDK kit decides what it creates', () => {
    const lambdaOnly = { ...POLICY, families: { lambda: POLICY.families.lambda } };
    expect(buildSpecDashboards({ slos: [], alarmPolicies: [lambdaOnly] }).map((d) => d.audience)).toEqual([
      'developer',
    ]);
    expect(buildSpecDashboards({ slos: SLOS, alarmPolicies: [POLICY], dashboardPanels: PANELS })).toHaveLength(4);
  });
});
