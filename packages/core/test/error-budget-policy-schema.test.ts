/** The published JSON Schema of ErrorBudgetPolicy accepts the GoodGreets policy and refuses what sre validate refuses on its own. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });
const validate = ajv.compile(
  JSON.parse(readFileSync(join(__dirname, '../schema/error-budget-policy.schema.json'), 'utf8')),
);
const reference = parse(readFileSync(join(__dirname, '../../../slos/error-budget-policy.yaml'), 'utf8'));

function withLevel(level: Record<string, unknown>) {
  return { ...reference, spec: { ...reference.spec, levels: [level] } };
}

describe('error-budget-policy.schema.json', () => {
  it('has a stable id and accepts the GoodGreets policy', () => {
    expect((validate.schema as { $id: string }).$id).toBe('https://sre-kit.dev/schema/error-budget-policy.schema.json');
    expect(validate(reference) ? [] : validate.errors).toEqual([]);
  });

  it.each([
    ['a bare percentage', { remainingBelow: 25, allow: [] }],
    ['both thresholds', { remainingBelow: '25%', exhausted: true, allow: [] }],
    ['no threshold', { allow: ['fix'] }],
    ['no allow', { exhausted: true }],
    ['a misspelt field', { exhausted: true, allow: [], actions: 'x' }],
    ['a bad kind of change', { exhausted: true, allow: ['Fix!'] }],
  ])('refuses %s', (_name, level) => {
    expect(validate(withLevel(level))).toBe(false);
  });
});
