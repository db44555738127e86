/**
 * The `kind: Dashboard` spec (apiVersion sre-kit/v1): explicit panels for a service's dashboards,
 * typically the business flow on the management view and app-level abuse signals on the security
 * view. One document adds widgets to one section of one audience; see the core README.
 */
import { AUDIENCES, type DashboardQuery, type Threshold, type Unit, type Widget } from '../model/dashboard';
import { SEVERITIES } from '../model/alarms';
import { checkPromql } from '../spec/promql-syntax';
import { expressionIds, METRIC_ID, periodProblem } from '../spec/cloudwatch';
import type { SpecDoc } from '../spec/context';
import { parseMetricStat } from '../spec/metric-source';
import type { At } from '../spec/reader';
import { suggestion } from '../spec/suggest';
import type { PanelGroup } from './panels';

const WIDGET_TYPES = ['timeSeries', 'singleValue', 'gauge', 'text', 'logQuery', 'alarmStatus'] as const;
const UNITS: readonly Unit[] = ['none', 'count', 'percent', 'ratio', 'seconds', 'milliseconds', 'bytes', 'requestsPerSecond', 'usd'];
const VISUALIZATIONS = ['table', 'timeSeries', 'bar'] as const;
const COMMON = ['type', 'title', 'width', 'height', 'description', 'links'];
const METRIC_FIELDS = [...COMMON, 'queries', 'prometheusQueries', 'period', 'unit', 'thresholds', 'timeRange'];
const FIELDS: Record<(typeof WIDGET_TYPES)[number], readonly string[]> = {
  timeSeries: [...METRIC_FIELDS, 'stacked'],
  singleValue: METRIC_FIELDS,
  gauge: [...METRIC_FIELDS, 'min', 'max'],
  text: [...COMMON, 'markdown'],
  logQuery: [...COMMON, 'logGroups', 'query', 'visualization'],
  alarmStatus: [...COMMON, 'alarms'],
};

function oneOf<T extends string>(at: At, allowed: readonly T[], what: string, fallback?: T): T | undefined {
  const value = at.present ? at.string(true, what) : fallback;
  if (value === undefined) return at.present ? undefined : (fallback ?? (at.error(`missing ${what}`), undefined));
  if ((allowed as readonly string[]).includes(value)) return value as T;
  at.error(`unknown ${what} "${value}"`, suggestion(value, allowed));
  return undefined;
}

function size(at: At, what: string, fallback: number, max: number): number {
  if (!at.present) return fallback;
  const n = at.integer(true, what);
  if (n === undefined) return fallback;
  if (n > max) at.error(`${what} ${n} is more than ${max}`, `use 1..${max}`);
  return Math.min(n, max);
}

function period(at: At, fallback: number): number {
  if (!at.present) return fallback;
  const seconds = at.duration(true);
  if (seconds === undefined) return fallback;
  const problem = periodProblem(seconds);
  if (problem) at.error(problem, 'use 10s, 20s, 30s or whole minutes');
  return seconds;
}

function queries(at: At): DashboardQuery[] {
  if (!at.expectSeq(true, 'queries (a list)')) return [];
  const out: DashboardQuery[] = [];
  const ids = new Set<string>();
  const expressions: { at: At; expression: string }[] = [];
  for (const q of at.items()) {
    if (!q.expectMap(true, 'a query')) continue;
    q.fields(['id', 'label', 'hidden', 'cloudwatch', 'expression', 'prometheus', 'period']);
    const idAt = q.get('id');
    const id = idAt.string(true, 'id');
    if (id !== undefined && !METRIC_ID.test(id))
      idAt.error(`query id "${id}" is not valid`, 'ids start with a lower-case letter, then letters, digits or _');
    if (id !== undefined && ids.has(id)) idAt.error(`duplicate query id "${id}"`, 'ids are unique within a widget');
    if (id !== undefined) ids.add(id);
    const kinds = ['cloudwatch', 'expression', 'prometheus'].filter((k) => q.has(k));
    if (kinds.length !== 1) {
      q.error(`a query has exactly one of cloudwatch, expression or prometheus, got ${kinds.length}`, 'split it into several queries');
      continue;
    }
    const label = q.get('label').string();
    const hidden = q.get('hidden').boolean();
    const base = { id: id ?? '', ...(label !== undefined ? { label } : {}), ...(hidden ? { hidden } : {}) };
    if (kinds[0] === 'cloudwatch') {
      const source = parseMetricStat(q.get('cloudwatch'));
      const p = q.has('period') ? period(q.get('period'), 60) : undefined;
      if (source && id !== undefined) out.push({ ...base, source, ...(p !== undefined ? { periodSeconds: p } : {}) });
    } else if (kinds[0] === 'expression') {
      const expression = q.get('expression').string(true, 'expression');
      if (expression !== undefined && id !== undefined) {
        out.push({ ...base, expression });
        expressions.push({ at: q.get('expression'), expression });
      }
    } else {
      const query = q.get('prometheus').string(true, 'prometheus (a PromQL query)');
      if (query !== undefined) checkPromql(q.get('prometheus'), query, 'grafana');
      if (query !== undefined && id !== undefined) out.push({ ...base, source: { type: 'Prometheus', query } });
    }
  }
  for (const { at: exprAt, expression } of expressions) {
    for (const ref of expressionIds(expression))
      if (!ids.has(ref)) exprAt.error(`expression uses "${ref}", which no query of this widget defines`, suggestion(ref, [...ids]));
  }
  return out;
}

/** The widget drawn from Prometheus where the target is Prometheus: Prometheus queries only. */
function prometheusQueries(at: At): DashboardQuery[] | undefined {
  if (!at.present) return undefined;
  const parsed = queries(at);
  at.items().forEach((q, i) => {
    if (q.has('cloudwatch') || q.has('expression'))
      q.error(
        `prometheusQueries[${i}] reads CloudWatch`,
        'prometheusQueries are the Prometheus view of the widget; CloudWatch queries go in queries',
      );
  });
  return parsed;
}

function thresholds(at: At): Threshold[] {
  if (!at.present) return [];
  if (!at.expectSeq(true, 'thresholds (a list)')) return [];
  const out: Threshold[] = [];
  for (const t of at.items()) {
    if (!t.expectMap(true, 'a threshold')) continue;
    t.fields(['value', 'label', 'severity', 'comparison']);
    const value = t.get('value').number(true, 'value');
    const label = t.get('label').string() ?? '';
    const severity = oneOf(t.get('severity'), SEVERITIES, 'severity', 'warning');
    const comparison = oneOf(t.get('comparison'), ['above', 'below'] as const, 'comparison', 'above');
    if (value !== undefined && severity && comparison) out.push({ value, label, severity, comparison });
  }
  return out;
}

function widget(at: At): Widget | undefined {
  if (!at.expectMap(true, 'a widget')) return undefined;
  const type = oneOf(at.get('type'), WIDGET_TYPES, 'widget type');
  if (!type) return undefined;
  at.fields(FIELDS[type]);
  const title = at.get('title').string(true, 'title') ?? '';
  const base = {
    title,
    width: size(at.get('width'), 'width', 8, 24),
    height: size(at.get('height'), 'height', 6, 50),
    ...(at.get('description').string() !== undefined ? { description: at.get('description').string() } : {}),
    ...(at.has('links') ? { links: links(at.get('links')) } : {}),
  };
  switch (type) {
    case 'text':
      return { type, ...base, markdown: at.get('markdown').string(true, 'markdown') ?? '' };
    case 'alarmStatus': {
      const names = at.get('alarms').expectSeq(true, 'alarms (a list of alarm names)') ? at.get('alarms').items() : [];
      return { type, ...base, alarmNames: names.map((n) => n.string(true, 'an alarm name') ?? '') };
    }
    case 'logQuery': {
      const groups = at.get('logGroups').expectSeq(true, 'logGroups (a list)') ? at.get('logGroups').items() : [];
      return {
        type,
        ...base,
        logGroupNames: groups.map((g) => g.string(true, 'a log group name') ?? ''),
        query: at.get('query').string(true, 'query (Logs Insights)') ?? '',
        visualization: oneOf(at.get('visualization'), VISUALIZATIONS, 'visualization', 'table') ?? 'table',
      };
    }
    default: {
      const timeRangeAt = at.get('timeRange');
      const rangeText = timeRangeAt.present ? timeRangeAt.string(true, 'timeRange') : undefined;
      const timeRange =
        rangeText === undefined
          ? undefined
          : rangeText === 'monthToDate'
            ? ({ kind: 'monthToDate' } as const)
            : ({ kind: 'last', seconds: timeRangeAt.duration(true) ?? 86400 } as const);
      const alternative = prometheusQueries(at.get('prometheusQueries'));
      const metric = {
        ...base,
        queries: queries(at.get('queries')),
        ...(alternative ? { prometheusQueries: alternative } : {}),
        periodSeconds: period(at.get('period'), 300),
        unit: oneOf(at.get('unit'), UNITS, 'unit', 'none') ?? 'none',
        thresholds: thresholds(at.get('thresholds')),
        ...(timeRange ? { timeRange } : {}),
      };
      if (type === 'gauge')
        return { type, ...metric, min: at.get('min').number() ?? 0, max: at.get('max').number(true, 'max') ?? 100 };
      if (type === 'timeSeries') {
        const stacked = at.get('stacked').boolean();
        const prometheus = metric.queries.filter((q) => 'source' in q && q.source.type === 'Prometheus').length;
        // A stack adds series up: CloudWatch sums and a Prometheus view of the same events would double-count.
        if (stacked && prometheus > 0 && prometheus < metric.queries.length)
          at.get('stacked').error(
            'a stacked widget mixes CloudWatch and Prometheus series, so the stack adds up two views of the same events',
            'drop stacked: true, or split the widget per source',
          );
        return { type, ...metric, ...(stacked ? { stacked: true } : {}) };
      }
      return { type, ...metric };
    }
  }
}

function links(at: At): { title: string; url: string }[] {
  if (!at.expectSeq(true, 'links (a list of {title, url})')) return [];
  return at.items().flatMap((l) => {
    if (!l.expectMap(true, 'a link')) return [];
    l.fields(['title', 'url']);
    const title = l.get('title').string(true, 'title');
    const url = l.get('url').string(true, 'url');
    if (url !== undefined && !/^https?:\/\//.test(url)) l.get('url').error(`url "${url}" is not http(s)`, 'write a full https:// URL');
    return title !== undefined && url !== undefined ? [{ title, url }] : [];
  });
}

/** One `kind: Dashboard` document to the panel group it adds. */
export function parseDashboardSpec(doc: SpecDoc): PanelGroup | undefined {
  const spec = doc.root.get('spec');
  if (!spec.expectMap(true, 'spec')) return undefined;
  spec.fields(['service', 'audience', 'section', 'position', 'widgets']);
  const service = spec.get('service').string(true, 'service');
  const audience = oneOf(spec.get('audience'), [...AUDIENCES, 'slo'] as const, 'audience');
  const section = spec.get('section').string(true, 'section title');
  const position = oneOf(spec.get('position'), ['first', 'last'] as const, 'position', 'last');
  const widgetsAt = spec.get('widgets');
  const widgets = widgetsAt.expectSeq(true, 'widgets (a list)') ? widgetsAt.items().map(widget) : [];
  if (!service || !audience || !section || !position) return undefined;
  return {
    service,
    audience,
    section,
    position,
    widgets: widgets.filter((w): w is Widget => w !== undefined),
    location: doc.root.location(),
  };
}
