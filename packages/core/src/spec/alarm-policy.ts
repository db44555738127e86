/**
 * `kind: AlarmPolicy` (apiVersion sre-kit/v1): which resources of which alarm
 * families to monitor and how to tune the catalogue's defaults for them. Every
 * override is checked against the catalogue entry it changes, including the
 * CloudWatch period rules for the values the alarm will really get.
 */
import { ALARM_CATALOGUE, catalogueEntry, catalogueFor, catalogueMetrics, catalogueProperties } from '../catalogue';
import { cloudWatchPeriodProblem } from '../math';
import {
  ALARM_FAMILIES,
  SEVERITIES,
  type AlarmFamilyName,
  type AlarmOverride,
  type MonitoredResource,
  type Severity,
  type TreatMissingData,
} from '../model/alarms';
import { where, type ParseContext, type SpecDoc } from './context';
import type { At } from './reader';
import { suggestion } from './suggest';

const TREAT_MISSING: readonly TreatMissingData[] = ['breaching', 'notBreaching', 'ignore', 'missing'];
const OVERRIDE_FIELDS = [
  'enabled',
  'threshold',
  'period',
  'evaluationPeriods',
  'datapointsToAlarm',
  'severity',
  'treatMissingData',
  'runbookUrl',
];
const WAF_SCOPES = ['REGIONAL', 'CLOUDFRONT'];

function familyDimensions(family: AlarmFamilyName): string[] {
  return [...new Set(catalogueFor(family).flatMap((e) => catalogueMetrics(e).flatMap((m) => m.dimensionNames)))];
}

function isUrl(text: string): boolean {
  return /^https?:\/\/\S+$/.test(text);
}

function parseOverride(at: At): AlarmOverride {
  if (!at.expectMap(true, 'an override (enabled, threshold, period, ...)')) return {};
  at.fields(OVERRIDE_FIELDS);
  const enabled = at.get('enabled').boolean();
  const threshold = at.get('threshold').number();
  const periodSeconds = at.get('period').duration();
  const evaluationPeriods = at.get('evaluationPeriods').integer();
  const datapointsToAlarm = at.get('datapointsToAlarm').integer();
  const severityAt = at.get('severity');
  const severity = severityAt.string();
  if (severity !== undefined && !SEVERITIES.includes(severity as Severity)) {
    severityAt.error(`unknown severity "${severity}"`, suggestion(severity, SEVERITIES));
  }
  const treatAt = at.get('treatMissingData');
  const treat = treatAt.string();
  if (treat !== undefined && !TREAT_MISSING.includes(treat as TreatMissingData)) {
    treatAt.error(`unknown treatMissingData "${treat}"`, suggestion(treat, TREAT_MISSING));
  }
  const runbookAt = at.get('runbookUrl');
  const runbookUrl = runbookAt.string();
  if (runbookUrl !== undefined && !isUrl(runbookUrl)) runbookAt.error('runbookUrl must be an http(s) URL');
  return {
    ...(enabled !== undefined ? { enabled } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(periodSeconds !== undefined ? { periodSeconds } : {}),
    ...(evaluationPeriods !== undefined ? { evaluationPeriods } : {}),
    ...(datapointsToAlarm !== undefined ? { datapointsToAlarm } : {}),
    ...(severity !== undefined && SEVERITIES.includes(severity as Severity) ? { severity: severity as Severity } : {}),
    ...(treat !== undefined && TREAT_MISSING.includes(treat as TreatMissingData)
      ? { treatMissingData: treat as TreatMissingData }
      : {}),
    ...(runbookUrl !== undefined ? { runbookUrl } : {}),
  };
}

/** Checks the period rules on what the alarm will really use: catalogue default, then policy defaults, then this override. */
function checkEffective(at: At, id: string, layers: readonly AlarmOverride[]): void {
  const entry = catalogueEntry(id);
  if (!entry) return;
  const merged: AlarmOverride = Object.assign({}, ...layers);
  const period = merged.periodSeconds ?? entry.periodSeconds;
  const evaluations = merged.evaluationPeriods ?? entry.evaluationPeriods;
  const datapoints = merged.datapointsToAlarm ?? entry.datapointsToAlarm;
  const own = layers[layers.length - 1];
  const blame = (field: string) => (at.has(field) ? at.get(field) : at);
  // The period alone first (blamed on `period`), then the period x evaluations span.
  const periodIssue = cloudWatchPeriodProblem(period, 1);
  if (periodIssue) blame('period').error(periodIssue, 'use 10s, 20s, 30s or a whole number of minutes');
  const rangeIssue = periodIssue ? undefined : cloudWatchPeriodProblem(period, evaluations);
  if (rangeIssue && (own.periodSeconds !== undefined || own.evaluationPeriods !== undefined)) {
    blame(own.evaluationPeriods !== undefined ? 'evaluationPeriods' : 'period').error(
      rangeIssue,
      'shorten the period or use fewer evaluation periods',
    );
  }
  if (datapoints > evaluations && (own.datapointsToAlarm !== undefined || own.evaluationPeriods !== undefined)) {
    blame(own.datapointsToAlarm !== undefined ? 'datapointsToAlarm' : 'evaluationPeriods').error(
      `datapointsToAlarm ${datapoints} exceeds evaluationPeriods ${evaluations}`,
      'an alarm fires on M out of N datapoints with M <= N',
    );
  }
}

/** `catalogueId -> override`; `family` restricts ids to one family (per-resource overrides). */
function parseOverrides(
  at: At,
  family: AlarmFamilyName | undefined,
  defaults: Readonly<Record<string, AlarmOverride>>,
): Record<string, AlarmOverride> {
  const out: Record<string, AlarmOverride> = {};
  if (!at.expectMap(false, 'a mapping of catalogue id to override')) return out;
  const ids = (family ? catalogueFor(family) : ALARM_CATALOGUE).map((e) => e.id);
  for (const [id, value] of at.entries()) {
    const entry = catalogueEntry(id);
    if (!entry) {
      at.keyAt(id).error(`unknown alarm catalogue id "${id}"`, suggestion(id, ids));
    } else if (family && entry.family !== family) {
      at.keyAt(id).error(
        `alarm "${id}" belongs to family ${entry.family}, not ${family}`,
        `move it under families.${entry.family}`,
      );
    }
    out[id] = parseOverride(value);
    if (entry) checkEffective(value, id, family ? [defaults[id] ?? {}, out[id]] : [out[id]]);
  }
  return out;
}

function parseResource(
  at: At,
  family: AlarmFamilyName,
  defaults: Readonly<Record<string, AlarmOverride>>,
): MonitoredResource | undefined {
  if (!at.expectMap(true, 'a resource (id, dimensions, properties, overrides)')) return undefined;
  at.fields(['id', 'dimensions', 'properties', 'attributes', 'overrides']);
  const idAt = at.get('id');
  const id = idAt.string(true, 'resource id');
  if (id !== undefined && !/^[a-z0-9][a-z0-9-]*$/.test(id))
    idAt.error(`resource id "${id}" is not valid`, 'use lower-case letters, digits and "-"');
  const dimensionsAt = at.get('dimensions');
  const dimensions = dimensionsAt.stringMap();
  const knownDimensions = familyDimensions(family);
  for (const name of Object.keys(dimensions)) {
    if (!knownDimensions.includes(name)) {
      dimensionsAt
        .keyAt(name)
        .error(`dimension "${name}" is not used by any ${family} alarm`, suggestion(name, knownDimensions));
    }
  }
  const properties: Record<string, number> = {};
  const propertiesAt = at.get('properties');
  if (propertiesAt.expectMap()) {
    const known = catalogueProperties(family);
    for (const [key, value] of propertiesAt.entries()) {
      const number = value.number(true, `a number for ${key}`);
      if (number !== undefined) properties[key] = number;
      if (!known.includes(key))
        // An error, like an unknown catalogue id: a misspelt property (timeoutMS) silently leaves the threshold on its default.
        propertiesAt
          .keyAt(key)
          .error(`unknown ${family} property "${key}": no alarm derives a threshold from it`, suggestion(key, known));
    }
  }
  const attributesAt = at.get('attributes');
  const attributes = attributesAt.stringMap();
  if (family === 'waf' && attributes.scope !== undefined && !WAF_SCOPES.includes(attributes.scope)) {
    attributesAt
      .get('scope')
      .error(`unknown WAF scope "${attributes.scope}"`, suggestion(attributes.scope, WAF_SCOPES));
  }
  const overrides = parseOverrides(at.get('overrides'), family, defaults);
  if (id === undefined) return undefined;
  return {
    id,
    dimensions,
    properties,
    ...(Object.keys(attributes).length ? { attributes } : {}),
    overrides,
    location: at.location(),
  };
}

export function parseAlarmPolicy(doc: SpecDoc, ctx: ParseContext): void {
  const spec = doc.root.get('spec');
  if (!spec.expectMap(true, 'spec')) return;
  spec.fields(['service', 'runbookBaseUrl', 'defaults', 'families']);
  const serviceAt = spec.get('service');
  const service = serviceAt.string(true, 'service');
  const declared = ctx.services.map((s) => s.name);
  if (service !== undefined && declared.length > 0 && !declared.includes(service)) {
    serviceAt.error(
      `unknown Service "${service}"`,
      suggestion(service, declared) || `declare kind: Service named "${service}"`,
    );
  }
  const runbookAt = spec.get('runbookBaseUrl');
  const runbookBaseUrl = runbookAt.string();
  if (runbookBaseUrl !== undefined && !isUrl(runbookBaseUrl)) runbookAt.error('runbookBaseUrl must be an http(s) URL');
  const defaults = parseOverrides(spec.get('defaults'), undefined, {});
  const familiesAt = spec.get('families');
  const families: Partial<Record<AlarmFamilyName, MonitoredResource[]>> = {};
  if (familiesAt.expectMap(true, 'families (a mapping of family to resources)')) {
    for (const [name, familyAt] of familiesAt.entries()) {
      if (!ALARM_FAMILIES.includes(name as AlarmFamilyName)) {
        familiesAt.keyAt(name).error(`unknown alarm family "${name}"`, suggestion(name, ALARM_FAMILIES));
        continue;
      }
      const family = name as AlarmFamilyName;
      if (!familyAt.expectMap(true, 'a family block with resources')) continue;
      familyAt.fields(['resources']);
      const resourcesAt = familyAt.get('resources');
      if (!resourcesAt.expectSeq(true, 'resources')) continue;
      const resources: MonitoredResource[] = [];
      const seen = new Map<string, At>();
      for (const item of resourcesAt.items()) {
        const resource = parseResource(item, family, defaults);
        if (!resource) continue;
        const first = seen.get(resource.id);
        if (first) {
          item
            .get('id')
            .error(`duplicate ${family} resource id "${resource.id}"`, `first defined at ${where(first.location())}`);
          continue;
        }
        seen.set(resource.id, item.get('id'));
        resources.push(resource);
      }
      families[family] = resources;
    }
  }
  if (service === undefined) return;
  ctx.alarmPolicies.push({
    name: doc.name,
    service,
    ...(runbookBaseUrl !== undefined ? { runbookBaseUrl } : {}),
    families,
    defaults,
    location: doc.nameAt.location(),
  });
}
