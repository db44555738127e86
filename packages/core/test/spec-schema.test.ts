import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { ALARM_CATALOGUE } from '../src/catalogue';

const SCHEMA_DIR = join(__dirname, '../schema');
const ROOT = join(__dirname, '../../..');
const CORPUS = join(__dirname, '../../../../shared/corpus');

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
const schemas: Record<string, ValidateFunction> = {};
for (const file of ['openslo-v1', 'alarm-policy', 'alert-routing']) {
  schemas[file] = ajv.compile(JSON.parse(readFileSync(join(SCHEMA_DIR, `${file}.schema.json`), 'utf8')));
}

function schemaFor(doc: { apiVersion?: string; kind?: string }): ValidateFunction | undefined {
  if (doc.apiVersion === 'openslo/v1') return schemas['openslo-v1'];
  if (doc.kind === 'AlarmPolicy') return schemas['alarm-policy'];
  if (doc.kind === 'AlertRouting') return schemas['alert-routing'];
  return undefined;
}

function docsIn(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Record<string, unknown>)
    .filter(Boolean);
}

function problems(doc: Record<string, unknown>): string[] {
  const validate = schemaFor(doc);
  if (!validate) throw new Error(`no schema for ${String(doc.apiVersion)} ${String(doc.kind)}`);
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

const yamlFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((f) => join(dir, f));

describe('published JSON Schemas', () => {
  it('are valid JSON Schema (draft-07, ajv strict mode) with stable ids', () => {
    for (const [name, validate] of Object.entries(schemas)) {
      expect((validate.schema as { $id: string }).$id).toBe(`https://sre-kit.dev/schema/${name}.schema.json`);
    }
  });

  it.each([...yamlFiles(join(ROOT, 'slos')), ...yamlFiles(join(ROOT, 'alarms'))])(
    'the reference spec %s validates',
    (file) => {
      // Kinds without a schema here (for example Dashboard) are checked by their own tests.
      const docs = docsIn(file).filter((doc) => schemaFor(doc));
      for (const doc of docs) expect(problems(doc)).toEqual([]);
    },
  );

  it.each(yamlFiles(join(CORPUS, 'openslo')))('the OpenSLO corpus file %s validates', (file) => {
    for (const doc of docsIn(file)) expect(problems(doc)).toEqual([]);
  });

  it('accepts every catalogue id as an override key', () => {
    const overrides = Object.fromEntries(ALARM_CATALOGUE.map((e) => [e.id, { enabled: true }]));
    const doc = {
      apiVersion: 'sre-kit/v1',
      kind: 'AlarmPolicy',
      metadata: { name: 'all' },
      spec: { service: 'x', defaults: overrides, families: {} },
    };
    expect(problems(doc)).toEqual([]);
  });

  it('rejects bad specs', () => {
    const [slo] = docsIn(join(ROOT, 'slos/goodgreets.yaml')).filter((d) => d.kind === 'SLO');
    const percentAsRatio = structuredClone(slo) as { spec: { objectives: { target: number }[] } };
    percentAsRatio.spec.objectives[0].target = 99.9;
    expect(problems(percentAsRatio as never)).toContainEqual('/spec/objectives/0/target must be < 1');

    const badStat = JSON.parse(JSON.stringify(slo).replace('"stat":"Sum"', '"stat":"P99x"'));
    expect(problems(badStat).join('\n')).toMatch(/stat must match pattern/);

    const [routing] = docsIn(join(ROOT, 'alarms/routing.yaml'));
    const leaked = JSON.parse(
      JSON.stringify(routing).replace('goodgreets/slack/page', 'https://hooks.slack.com/services/T0/B0/X'),
    );
    expect(problems(leaked).join('\n')).toMatch(/webhookSecret must NOT be valid/);

    const [policy] = docsIn(join(ROOT, 'alarms/goodgreets.yaml'));
    const misspelt = JSON.parse(JSON.stringify(policy).replace('"lambda":{', '"lamda":{'));
    expect(problems(misspelt).join('\n')).toMatch(/must NOT have additional properties/);
  });
});
