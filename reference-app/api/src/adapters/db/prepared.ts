import { type Compilable, CompiledQuery, type Kysely, type QueryResult } from 'kysely';

/**
 * A statement Kysely builds and compiles once and then runs with new values. Building and
 * compiling the signing statement cost about a sixth of a signature's CPU (issue 14), for SQL that
 * never changes: only its values do. The builder is called once with a marker in place of each
 * named value; the compiled parameters are then markers (filled in per run) and the builder's own
 * constants (kept). The run still goes through the dialect's driver, with its time-outs and error
 * mapping.
 */
export function prepare<Name extends string>(
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  names: readonly Name[],
  build: (values: Record<Name, never>) => Compilable,
): (values: Record<Name, unknown>) => Promise<QueryResult<unknown>> {
  const marker = (name: string) => `\u0000prepared:${name}\u0000`;
  const compiled = build(Object.fromEntries(names.map((n) => [n, marker(n)])) as Record<Name, never>).compile();
  const slots = compiled.parameters.map((p) => names.find((n) => p === marker(n)));
  // A value written into the SQL text instead of passed as a parameter would be baked in for good.
  if (compiled.sql.includes('\u0000prepared:'))
    throw new Error('prepared statement: a value was written into the SQL text; pass it as a parameter');
  return (values) =>
    db.executeQuery(
      CompiledQuery.raw(
        compiled.sql,
        compiled.parameters.map((p, i) => {
          const slot = slots[i];
          return slot === undefined ? p : values[slot];
        }),
      ),
    );
}

/**
 * `prepare` for a statement whose SQL depends on a few switches (a card found by id or by share
 * token, capped or not): one compiled statement per combination, made on first use.
 */
export function prepareByShape<Name extends string, Shape extends readonly boolean[]>(
  db: Pick<Kysely<unknown>, 'executeQuery'>,
  names: readonly Name[],
  build: (values: Record<Name, never>, ...shape: Shape) => Compilable,
): (shape: Shape, values: Record<Name, unknown>) => Promise<QueryResult<unknown>> {
  const compiled = new Map<string, ReturnType<typeof prepare<Name>>>();
  return (shape, values) => {
    const key = shape.join('|');
    let run = compiled.get(key);
    if (!run) compiled.set(key, (run = prepare(db, names, (v) => build(v, ...shape))));
    return run(values);
  };
}
