/**
 * DynamoDB store (table with string keys `pk`, `sk` and TTL attribute `expiresAt`,
 * as the AlertRouter construct creates it). Claims live in their own partition
 * each (`idem#<key>`); group and firing records share a partition per kind so
 * the scheduled tick can list them with one Query (alert volumes stay small).
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { AlertStore, ClaimResult, StateKind, Versioned } from './store';

export class DynamoStore implements AlertStore {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBClient = new DynamoDBClient({}),
  ) {}

  async claim(key: string, nowMs: number, leaseMs: number): Promise<ClaimResult> {
    const nowSeconds = Math.floor(nowMs / 1000);
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            pk: { S: `idem#${key}` },
            sk: { S: 'claim' },
            status: { S: 'inflight' },
            leaseUntil: { N: String(nowMs + leaseMs) },
            expiresAt: { N: String(Math.ceil((nowMs + leaseMs) / 1000) + 3600) },
          },
          // Free when absent, past its TTL (TTL deletion lags), or an abandoned in-flight lease. A lease
          // or TTL ends at its instant (<=), as in MemoryStore, so replay and production agree.
          ConditionExpression:
            'attribute_not_exists(pk) OR expiresAt <= :nowSeconds OR (#status = :inflight AND leaseUntil <= :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':now': { N: String(nowMs) },
            ':nowSeconds': { N: String(nowSeconds) },
            ':inflight': { S: 'inflight' },
          },
        }),
      );
      return 'claimed';
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
    const current = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: claimKey(key), ConsistentRead: true }),
    );
    return current.Item?.status?.S === 'done' ? 'done' : 'busy';
  }

  async complete(key: string, nowMs: number, ttlSeconds: number): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          ...claimKey(key),
          status: { S: 'done' },
          expiresAt: { N: String(Math.ceil(nowMs / 1000) + ttlSeconds) },
        },
      }),
    );
  }

  async release(key: string): Promise<void> {
    await this.client.send(new DeleteItemCommand({ TableName: this.tableName, Key: claimKey(key) }));
  }

  async get<T>(kind: StateKind, key: string): Promise<Versioned<T> | undefined> {
    const out = await this.client.send(
      new GetItemCommand({ TableName: this.tableName, Key: stateKey(kind, key), ConsistentRead: true }),
    );
    return out.Item ? readVersioned<T>(out.Item) : undefined;
  }

  async put<T>(kind: StateKind, key: string, value: T, expectedVersion: number, expiresAt?: number): Promise<boolean> {
    const item: Record<string, AttributeValue> = {
      ...stateKey(kind, key),
      value: { S: JSON.stringify(value) },
      version: { N: String(expectedVersion + 1) },
    };
    if (expiresAt !== undefined) item.expiresAt = { N: String(expiresAt) };
    return this.conditional(
      new PutItemCommand({ TableName: this.tableName, Item: item, ...versionCondition(expectedVersion) }),
    );
  }

  async delete(kind: StateKind, key: string, expectedVersion: number): Promise<boolean> {
    return this.conditional(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: stateKey(kind, key),
        ...versionCondition(expectedVersion),
      }),
    );
  }

  async list<T>(kind: StateKind): Promise<Array<{ key: string; record: Versioned<T> }>> {
    const out: Array<{ key: string; record: Versioned<T> }> = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: kind } },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push({ key: item.sk?.S ?? '', record: readVersioned<T>(item) });
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  private async conditional(command: PutItemCommand | DeleteItemCommand): Promise<boolean> {
    try {
      await this.client.send(command as PutItemCommand);
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  }
}

function claimKey(key: string): Record<string, AttributeValue> {
  return { pk: { S: `idem#${key}` }, sk: { S: 'claim' } };
}

function stateKey(kind: StateKind, key: string): Record<string, AttributeValue> {
  return { pk: { S: kind }, sk: { S: key } };
}

function versionCondition(expectedVersion: number) {
  return expectedVersion === 0
    ? { ConditionExpression: 'attribute_not_exists(pk)' }
    : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': { N: String(expectedVersion) } } };
}

function readVersioned<T>(item: Record<string, AttributeValue>): Versioned<T> {
  return { value: JSON.parse(item.value?.S ?? 'null') as T, version: Number(item.version?.N ?? '0') };
}
