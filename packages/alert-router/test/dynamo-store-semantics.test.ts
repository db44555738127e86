/**
 * DynamoStore is what production uses, MemoryStore what replay and most tests use: they must agree
 * on every sequence of claims, completions, releases and versioned writes. The DynamoDB side runs
 * its real condition expressions against a table that evaluates them (helpers/fake-dynamo), so a
 * wrongly bound value (milliseconds where the TTL is in seconds) changes answers, not just text.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { DynamoStore } from '../src/state/dynamo-store';
import { MemoryStore } from '../src/state/memory-store';
import type { AlertStore } from '../src/state/store';
import { evaluate, FakeDynamoTable } from './helpers/fake-dynamo';

let table: FakeDynamoTable;
beforeEach(() => (table = new FakeDynamoTable()));
afterEach(() => table.restore());

const dynamo = () => new DynamoStore('alerts', new DynamoDBClient({ region: 'eu-west-1' }));

type Op =
  | { kind: 'claim'; key: string; advanceMs: number; leaseMs: number }
  | { kind: 'complete'; key: string; advanceMs: number; ttlSeconds: number }
  | { kind: 'release'; key: string; advanceMs: number }
  | { kind: 'put'; key: string; advanceMs: number; expected: number; value: number }
  | { kind: 'delete'; key: string; advanceMs: number; expected: number };

const key = fc.constantFrom('a', 'b');
// Whole seconds make a step land exactly on a lease end or a TTL often (the boundaries where two
// stores most easily disagree); the long steps pass the claim record's one-hour TTL margin.
const seconds = (min: number, max: number) => fc.integer({ min, max }).map((s) => s * 1000);
const advance = fc.oneof(fc.constantFrom(0, 1, 999), seconds(1, 120), seconds(3600, 5 * 3600));
const lease = seconds(1, 120);
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('claim' as const),
    key,
    advanceMs: advance,
    leaseMs: lease,
  }),
  fc.record({
    kind: fc.constant('complete' as const),
    key,
    advanceMs: advance,
    ttlSeconds: fc.integer({ min: 1, max: 7200 }),
  }),
  fc.record({ kind: fc.constant('release' as const), key, advanceMs: advance }),
  fc.record({
    kind: fc.constant('put' as const),
    key,
    advanceMs: advance,
    expected: fc.integer({ min: 0, max: 3 }),
    value: fc.integer(),
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    key,
    advanceMs: advance,
    expected: fc.integer({ min: 0, max: 3 }),
  }),
);

async function apply(store: AlertStore, o: Op, nowMs: number): Promise<unknown> {
  switch (o.kind) {
    case 'claim':
      return store.claim(o.key, nowMs, o.leaseMs);
    case 'complete':
      return store.complete(o.key, nowMs, o.ttlSeconds);
    case 'release':
      return store.release(o.key);
    case 'put':
      return store.put('group', o.key, { v: o.value }, o.expected);
    case 'delete':
      return store.delete('group', o.key, o.expected);
  }
}

describe('DynamoStore against its condition expressions', () => {
  it('answers every operation sequence exactly as MemoryStore does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 25 }),
        fc.integer({ min: 0, max: 2e12 }),
        async (ops, start) => {
          table.items.clear();
          const memory = new MemoryStore();
          const ddb = dynamo();
          let now = start;
          for (const o of ops) {
            now += o.advanceMs;
            expect(await apply(ddb, o, now)).toEqual(await apply(memory, o, now));
          }
          expect(await ddb.list('group')).toEqual(await memory.list('group'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a second claim out while the first is leased, and lets it in once the lease lapses', async () => {
    const store = dynamo();
    const t0 = Date.parse('2026-12-05T12:00:00Z');
    expect(await store.claim('m1', t0, 60_000)).toBe('claimed');
    expect(await store.claim('m1', t0 + 59_999, 60_000)).toBe('busy');
    expect(await store.claim('m1', t0 + 60_000, 60_000)).toBe('claimed');
    await store.complete('m1', t0 + 61_000, 3600);
    expect(await store.claim('m1', t0 + 61_000 + 3_599_000, 60_000)).toBe('done');
    // Past the TTL the record is free again even before DynamoDB's lagging TTL deletion removes it.
    expect(await store.claim('m1', t0 + 61_000 + 3_600_000, 60_000)).toBe('claimed');
  });
});

describe('the fake table evaluates what it is given', () => {
  it('reads OR, AND, parentheses, names and values', () => {
    const item = { pk: { S: 'x' }, status: { S: 'inflight' }, n: { N: '5' } };
    const names = { '#s': 'status' };
    const values = { ':i': { S: 'inflight' }, ':four': { N: '4' }, ':six': { N: '6' } };
    expect(evaluate('attribute_not_exists(pk)', item, names, values)).toBe(false);
    expect(evaluate('attribute_not_exists(pk) OR (#s = :i AND n < :six)', item, names, values)).toBe(true);
    expect(evaluate('(#s = :i AND n < :four) OR n <= :four', item, names, values)).toBe(false);
    expect(() => evaluate('n < :missing', item, names, values)).toThrow(/ExpressionAttributeValues/);
  });
});
