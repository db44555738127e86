/**
 * Lease and TTL boundaries both stores must agree on, and what DynamoStore needs from DynamoDB
 * beyond its conditions: strong reads, the TTL attribute in epoch seconds, and failures other than
 * a failed condition reaching the caller instead of reading as "busy" or "version conflict".
 */
import {
  DynamoDBClient,
  PutItemCommand,
  ProvisionedThroughputExceededException,
  type GetItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoStore } from '../src/state/dynamo-store';
import { FileStore, MemoryStore } from '../src/state/memory-store';
import type { AlertStore } from '../src/state/store';
import { FakeDynamoTable } from './helpers/fake-dynamo';

let table: FakeDynamoTable;
beforeEach(() => (table = new FakeDynamoTable()));
afterEach(() => table.restore());

const dynamo = () => new DynamoStore('alerts', new DynamoDBClient({ region: 'eu-west-1' }));
const t0 = Date.parse('2026-12-05T12:00:00.500Z');
const HOUR_MS = 3_600_000;

describe.each<[string, () => AlertStore]>([
  ['MemoryStore', () => new MemoryStore()],
  ['DynamoStore', dynamo],
])('%s leases', (_name, makeStore) => {
  it('frees a claim whose lease ends exactly now', async () => {
    const store = makeStore();
    expect(await store.claim('k', t0, 60_000)).toBe('claimed');
    expect(await store.claim('k', t0 + 60_000, 60_000)).toBe('claimed');
  });

  it('holds a lease longer than the record TTL margin until it ends', async () => {
    const store = makeStore();
    expect(await store.claim('k', t0, 2 * HOUR_MS)).toBe('claimed');
    expect(await store.claim('k', t0 + 1000, 60_000)).toBe('busy');
    expect(await store.claim('k', t0 + 2 * HOUR_MS - 1, 60_000)).toBe('busy');
    expect(await store.claim('k', t0 + 2 * HOUR_MS, 60_000)).toBe('claimed');
  });
});

describe('DynamoStore records', () => {
  const stored = (pk: string, sk: string) => table.items.get(`${pk}\u0000${sk}`);

  it('sets the claim TTL in epoch seconds, an hour after the lease ends', async () => {
    await dynamo().claim('k', t0, 60_000);
    expect(stored('idem#k', 'claim')?.expiresAt).toEqual({ N: String(Math.ceil((t0 + 60_000) / 1000) + 3600) });
  });

  it('gives a state record a TTL only when asked for one', async () => {
    const store = dynamo();
    await store.put('group', 'forever', { n: 1 }, 0);
    await store.put('group', 'brief', { n: 1 }, 0, 1_800_000_000);
    expect(stored('group', 'forever')).not.toHaveProperty('expiresAt');
    expect(stored('group', 'brief')?.expiresAt).toEqual({ N: '1800000000' });
  });

  it('sees its own latest writes (strong reads)', async () => {
    const store = dynamo();
    expect(await store.claim('k', t0, 60_000)).toBe('claimed');
    await store.complete('k', t0 + 1000, 3600);
    expect(await store.claim('k', t0 + 2000, 60_000)).toBe('done');
    await store.put('group', 'g', { n: 1 }, 0);
    await store.put('group', 'g', { n: 2 }, 1);
    expect(await store.get('group', 'g')).toEqual({ value: { n: 2 }, version: 2 });
  });

  it('lists only the records of the kind asked for', async () => {
    const store = dynamo();
    await store.put('group', 'g', { n: 1 }, 0);
    await store.put('firing', 'f', { n: 2 }, 0);
    expect(await store.list('group')).toEqual([{ key: 'g', record: { value: { n: 1 }, version: 1 } }]);
  });
});

describe('DynamoStore failures other than a failed condition', () => {
  const throttled = () => new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} });
  // Writes fail with throttling; reads find a completed claim, which a swallowed error would return.
  const throttledWrites = () => {
    const done: GetItemCommandOutput = { Item: { status: { S: 'done' } }, $metadata: {} };
    const client = {
      send: async (command: unknown) => {
        if (command instanceof PutItemCommand) throw throttled();
        return done;
      },
    };
    return new DynamoStore('alerts', client as unknown as DynamoDBClient);
  };

  it('rejects a claim', async () => {
    await expect(throttledWrites().claim('k', t0, 60_000)).rejects.toThrow('slow down');
  });

  it('rejects a versioned put', async () => {
    await expect(throttledWrites().put('group', 'g', { n: 1 }, 0)).rejects.toThrow('slow down');
  });
});

describe('FileStore', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'filestore-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a state file it cannot read, naming the file and the cause', () => {
    const path = join(dir, 'state.json');
    writeFileSync(path, '{not json');
    let cause = '';
    try {
      JSON.parse('{not json');
    } catch (err) {
      cause = (err as Error).message;
    }
    expect(() => new FileStore(path)).toThrow(`state file ${path}: ${cause}`);
  });

  it('starts empty when the state file does not exist yet', async () => {
    const store = new FileStore(join(dir, 'absent.json'));
    expect(await store.list('group')).toEqual([]);
  });
});
