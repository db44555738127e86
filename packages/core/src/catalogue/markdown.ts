/**
 * The catalogue as a Markdown document (packages/core/CATALOGUE.md). The data
 * is the source; the document is generated so it cannot disagree with what
 * renderers deploy, and a test fails when the checked-in copy drifts.
 */
import { ALARM_FAMILIES, type CatalogueAlarm, type ThresholdRule } from '../model/alarms';
import { catalogueFor } from './data';

const CMP: Record<CatalogueAlarm['comparison'], string> = {
  GreaterThanThreshold: '>',
  GreaterThanOrEqualToThreshold: '>=',
  LessThanThreshold: '<',
  LessThanOrEqualToThreshold: '<=',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function thresholdText(rule: ThresholdRule): string {
  switch (rule.kind) {
    case 'fixed':
      return `${rule.value}`;
    case 'percentOf':
      return `${rule.percent} % of \`${rule.of}\`${rule.fallback !== undefined ? ` (else ${rule.fallback})` : ' (required)'}`;
    case 'userDefined':
      return `yours; suggested ${rule.suggested}`;
  }
}

function metricText(e: CatalogueAlarm): string {
  if (e.metric) {
    const fixed = Object.entries(e.metric.fixedDimensions ?? {}).map(([k, v]) => `${k}=${v}`);
    const dims = e.metric.dimensionNames.map((d) => fixed.find((f) => f.startsWith(`${d}=`)) ?? d);
    return `${e.metric.namespace} \`${e.metric.metricName}\` ${e.metric.statistic} (${dims.join(', ') || 'account'})`;
  }
  const expr = e.expression!;
  const metrics = Object.entries(expr.metrics).map(([id, m]) => `${id} = \`${m.metricName}\` ${m.statistic}`);
  return `\`${expr.expression}\` where ${metrics.join(', ')} (${expr.metrics[Object.keys(expr.metrics)[0]].namespace})`;
}

export const CATALOGUE_MARKDOWN_HEADER =
  '<!-- Generated from packages/core/src/catalogue by packages/core/scripts/generate-catalogue.js. Do not edit:\n' +
  '     run `npx tsc -b packages/core && node packages/core/scripts/generate-catalogue.js`. A test fails when it drifts. -->';

/** The whole document, deterministic. */
export function catalogueMarkdown(): string {
  const out: string[] = [
    CATALOGUE_MARKDOWN_HEADER,
    '',
    '# Alarm catalogue',
    '',
    'Every alarm `@sre-kit/core` knows, by family. Ids are stable: AlarmPolicy specs override or disable them',
    'by id (`enabled: false`), and opt in to the entries marked "off" (`enabled: true`). Thresholds marked',
    '"yours" have no universal value: the suggestion is used until you set one. Periods are seconds;',
    '"M/N" is datapoints to alarm out of evaluation periods.',
  ];
  for (const family of ALARM_FAMILIES) {
    out.push(
      '',
      `## ${family}`,
      '',
      '| id | metric | threshold | period | M/N | severity | missing data | default |',
      '|---|---|---|---|---|---|---|---|',
    );
    for (const e of catalogueFor(family))
      out.push(
        `| \`${e.id}\` | ${cell(metricText(e))} | ${CMP[e.comparison]} ${cell(thresholdText(e.threshold))} | ` +
          `${e.periodSeconds} | ${e.datapointsToAlarm}/${e.evaluationPeriods} | ${e.severity} | ${e.treatMissingData} | ` +
          `${e.enabledByDefault ? 'on' : 'off'} |`,
      );
    out.push('');
    for (const e of catalogueFor(family)) {
      out.push(`### \`${e.id}\`: ${e.title}`, '', `- Runbook: ${e.runbook}`);
      out.push(`- Missing data \`${e.treatMissingData}\`: ${e.treatMissingReason}`);
      if (e.threshold.kind === 'userDefined') out.push(`- Threshold: ${e.threshold.why}`);
      out.push(`- Source: ${e.source}`, '');
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
