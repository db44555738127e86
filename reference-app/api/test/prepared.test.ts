import {
  type CompiledQuery,
  DummyDriver,
  Kysely,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  sql,
} from 'kysely';
import { prepare, prepareByShape } from '../src/adapters/db/prepared';

interface T {
  t: { a: string; b: number; c: string };
}
// Compiles like the MySQL dialect; nothing is sent anywhere.
const db = new Kysely<T>({
  dialect: {
    createAdapter: () => new MysqlAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new MysqlIntrospector(k),
    createQueryCompiler: () => new MysqlQueryCompiler(),
  },
});

describe('prepare (a statement compiled once, run with new values)', () => {
  const sent: CompiledQuery[] = [];
  const runner = {
    executeQuery: async (q: CompiledQuery) => {
      sent.push(q);
      return { rows: [] };
    },
  } as never;

  it('puts each value in every place its name was used and keeps the constants the builder wrote', async () => {
    const run = prepare(runner, ['a', 'b'] as const, (v) =>
      db
        .selectFrom('t')
        .selectAll()
        .where('a', '=', v.a)
        .where('c', '=', 'fixed')
        .where('b', '>', v.b)
        .where('b', '<', v.b),
    );
    await run({ a: 'x', b: 1 });
    await run({ a: 'y', b: 2 });
    expect(sent.map((q) => q.parameters)).toEqual([
      ['x', 'fixed', 1, 1],
      ['y', 'fixed', 2, 2],
    ]);
    expect(sent[0]?.sql).toBe(sent[1]?.sql);
    expect(sent[0]?.sql).toBe(
      db
        .selectFrom('t')
        .selectAll()
        .where('a', '=', 'q')
        .where('c', '=', 'q')
        .where('b', '>', 0)
        .where('b', '<', 0)
        .compile().sql,
    );
  });

  it('compiles one statement per shape, on first use, and reuses it', async () => {
    sent.length = 0;
    let builds = 0;
    const run = prepareByShape(runner, ['a'] as const, (v, filtered: boolean) => {
      builds++;
      return db
        .selectFrom('t')
        .selectAll()
        .$if(filtered, (q) => q.where('a', '=', v.a));
    });
    await run([true], { a: 'x' });
    await run([false], { a: 'unused' });
    await run([true], { a: 'y' });
    expect(builds).toBe(2);
    expect(sent.map((q) => q.parameters)).toEqual([['x'], [], ['y']]);
    expect(sent[0]?.sql).toBe(sent[2]?.sql);
    expect(sent[1]?.sql).not.toBe(sent[0]?.sql);
  });

  it('refuses a builder that writes a value into the SQL text, where it would be baked in', () => {
    expect(() =>
      prepare(runner, ['a'] as const, (v) =>
        db
          .selectFrom('t')
          .selectAll()
          .where(sql.lit(v.a as string), '=', 'x'),
      ),
    ).toThrow(/written into the SQL text/);
  });
});
