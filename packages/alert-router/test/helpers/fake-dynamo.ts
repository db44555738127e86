/**
 * A DynamoDB table in memory behind aws-sdk-client-mock that *evaluates* condition expressions, so
 * tests hold DynamoStore to what its conditions mean rather than to their text. DynamoDB Local
 * cannot run here; this covers the subset the store writes: OR, AND, parentheses,
 * attribute_not_exists(path), and comparisons (= <> < <= > >=) of an attribute with a value.
 * A GetItem without ConsistentRead sees the item as it was before its last write (the worst an
 * eventually consistent read may return), so a store that forgets to ask for a strong read is caught.
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
import { mockClient } from 'aws-sdk-client-mock';

type Item = Record<string, AttributeValue>;
type Names = Record<string, string> | undefined;
type Values = Record<string, AttributeValue> | undefined;

export class FakeDynamoTable {
  readonly items = new Map<string, Item>();
  private readonly beforeLastWrite = new Map<string, Item | undefined>();
  private readonly mock = mockClient(DynamoDBClient);

  constructor() {
    this.mock.on(PutItemCommand).callsFake((input: { Item: Item } & Conditional) => {
      const id = keyOf(input.Item);
      this.check(this.items.get(id), input);
      this.beforeLastWrite.set(id, this.items.get(id));
      this.items.set(id, structuredClone(input.Item));
      return {};
    });
    this.mock.on(DeleteItemCommand).callsFake((input: { Key: Item } & Conditional) => {
      const id = keyOf(input.Key);
      this.check(this.items.get(id), input);
      this.beforeLastWrite.set(id, this.items.get(id));
      this.items.delete(id);
      return {};
    });
    this.mock.on(GetItemCommand).callsFake((input: { Key: Item; ConsistentRead?: boolean }) => {
      const id = keyOf(input.Key);
      const item =
        input.ConsistentRead || !this.beforeLastWrite.has(id) ? this.items.get(id) : this.beforeLastWrite.get(id);
      return item ? { Item: structuredClone(item) } : {};
    });
    this.mock.on(QueryCommand).callsFake((input: Conditional & { KeyConditionExpression: string }) => {
      const { KeyConditionExpression: condition, ExpressionAttributeNames: names } = input;
      const matching = [...this.items.values()].filter((i) =>
        evaluate(condition, i, names, input.ExpressionAttributeValues),
      );
      return { Items: matching.map((i) => structuredClone(i)) };
    });
  }

  restore(): void {
    this.mock.restore();
  }

  private check(current: Item | undefined, input: Conditional): void {
    if (!input.ConditionExpression) return;
    const ok = evaluate(
      input.ConditionExpression,
      current ?? {},
      input.ExpressionAttributeNames,
      input.ExpressionAttributeValues,
    );
    if (!ok) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
  }
}

interface Conditional {
  ConditionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
}

function keyOf(item: Item): string {
  return `${item.pk.S}\u0000${item.sk.S}`;
}

const TOKEN = /\s*(\(|\)|<>|<=|>=|=|<|>|,|[#:]?[A-Za-z_][A-Za-z0-9_]*)/y;

/** Recursive descent over the token list: or := and (OR and)*; and := unary (AND unary)*. */
export function evaluate(expression: string, item: Item, names: Names, values: Values): boolean {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < expression.length) {
    const m = TOKEN.exec(expression);
    if (!m) {
      if (expression.slice(TOKEN.lastIndex).trim() === '') break;
      throw new Error(`fake-dynamo: cannot read "${expression.slice(TOKEN.lastIndex)}"`);
    }
    tokens.push(m[1]);
  }
  if (tokens.length === 0) throw new Error('fake-dynamo: empty expression');
  let at = 0;
  const peek = () => tokens[at];
  const take = (expected?: string) => {
    const t = tokens[at++];
    if (expected && t !== expected) throw new Error(`fake-dynamo: expected ${expected}, got ${t} in ${expression}`);
    return t;
  };
  const operand = (t: string): AttributeValue | undefined => {
    if (t.startsWith(':')) {
      const v = values?.[t];
      if (!v) throw new Error(`fake-dynamo: ${t} is not in ExpressionAttributeValues`);
      return v;
    }
    const name = t.startsWith('#') ? names?.[t] : t;
    if (!name) throw new Error(`fake-dynamo: ${t} is not in ExpressionAttributeNames`);
    return item[name];
  };
  const or = (): boolean => {
    let v = and();
    while (peek()?.toUpperCase() === 'OR') {
      take();
      v = and() || v;
    }
    return v;
  };
  const and = (): boolean => {
    let v = unary();
    while (peek()?.toUpperCase() === 'AND') {
      take();
      v = unary() && v;
    }
    return v;
  };
  const unary = (): boolean => {
    const t = take();
    if (t === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t.toUpperCase() === 'NOT') return !unary();
    if (t === 'attribute_not_exists' || t === 'attribute_exists') {
      take('(');
      const present = operand(take()) !== undefined;
      take(')');
      return t === 'attribute_exists' ? present : !present;
    }
    const op = take();
    return compare(operand(t), op, operand(take()));
  };
  const result = or();
  if (at !== tokens.length) throw new Error(`fake-dynamo: trailing tokens in ${expression}`);
  return result;
}

function compare(a: AttributeValue | undefined, op: string, b: AttributeValue | undefined): boolean {
  // DynamoDB: a comparison with a missing attribute or of different types is false.
  if (!a || !b) return false;
  let x: number | string;
  let y: number | string;
  if (a.N !== undefined && b.N !== undefined) [x, y] = [Number(a.N), Number(b.N)];
  else if (a.S !== undefined && b.S !== undefined) [x, y] = [a.S, b.S];
  else return false;
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    case '>=':
      return x >= y;
    default:
      throw new Error(`fake-dynamo: unknown comparison ${op}`);
  }
}
