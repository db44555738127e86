import { DEFAULT_REFRESH_SECONDS, dashboardReads, dashboardViewing } from '../src/cost';
import type { Dashboard, DashboardQuery } from '../src/model/dashboard';

const metric = (id: string, hidden = false): DashboardQuery => ({
  id,
  hidden,
  source: { type: 'CloudWatch', namespace: 'AWS/Lambda', metricName: 'Errors', dimensions: {}, statistic: 'Sum' },
});
const board = (audience: Dashboard['audience']): Dashboard => ({
  name: `b-${audience}`,
  audience,
  title: 't',
  description: 'd',
  sections: [
    {
      title: 's',
      widgets: [
        {
          type: 'timeSeries',
          title: 'errors and their ratio',
          width: 12,
          height: 6,
          periodSeconds: 60,
          unit: 'percent',
          thresholds: [],
          // Two metrics (one hidden, still fetched) + free math + one SEARCH.
          queries: [
            metric('e'),
            metric('i', true),
            { id: 'r', expression: '100 * e / i' },
            { id: 's', expression: "SEARCH('{AWS/WAFV2,Rule} Blocked', 'Sum', 300)" },
          ],
        },
        {
          type: 'singleValue',
          title: 'local only',
          width: 6,
          height: 4,
          periodSeconds: 60,
          unit: 'count',
          thresholds: [],
          queries: [{ id: 'p', source: { type: 'Prometheus', query: 'sum(up)' } }],
        },
        {
          type: 'alarmStatus',
          title: 'alarms',
          width: 6,
          height: 4,
          alarmNames: ['a'],
          conditions: [
            { alarmName: 'a', title: 'a', periodSeconds: 60, unit: 'ratio', thresholds: [], queries: [metric('c')] },
          ],
        },
        {
          type: 'logQuery',
          title: 'logs',
          width: 24,
          height: 6,
          logGroupNames: ['g'],
          query: 'fields @message',
          visualization: 'table',
        },
        { type: 'text', title: 'x', width: 24, height: 2, markdown: 'no reads' },
      ],
    },
  ],
});

describe('dashboard viewing cost', () => {
  it('counts what one refresh reads: metric queries (hidden too), live alarm views, SEARCHes; not math, Prometheus or text', () => {
    expect(dashboardReads(board('developer'))).toEqual({ metrics: 3, searches: 1, logQueries: 1 });
  });

  it('bills metrics per refresh x refreshes while open, at the audience default unless told otherwise', () => {
    const v = dashboardViewing(board('developer'), { hoursOpenPerMonth: 10, metricsPerSearch: 7 });
    expect(v.refreshSeconds).toBe(DEFAULT_REFRESH_SECONDS.developer);
    expect(v.metricsPerRefresh).toBe(3 + 7);
    expect(v.metricsPerMonth).toBe(10 * Math.ceil((10 * 3600) / DEFAULT_REFRESH_SECONDS.developer));
    const fast = dashboardViewing(board('management'), { hoursOpenPerMonth: 1, refreshSeconds: 7 });
    // 3600 / 7 is 514.3: a partly used interval is still a load.
    expect(fast.metricsPerMonth).toBe((3 + 5) * 515);
    expect(dashboardViewing(board('slo'), { hoursOpenPerMonth: 0 }).metricsPerMonth).toBe(0);
    expect(() => dashboardViewing(board('slo'), { refreshSeconds: 0 })).toThrow(/refresh of b-slo must be above 0 s/);
  });
});
