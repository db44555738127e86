import type * as Sdk from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { createConnection } from 'mysql2/promise';
import { type MysqlParts, mysqlConnectionOptions, openDatabase } from '../src/adapters/db/database';
import { migrateToLatest } from '../src/adapters/db/migrations';
import { ConfigError, loadConfig } from '../src/config';
import { MYSQL_ADMIN, type TestDb, createTestDb } from './helpers';

jest.setTimeout(30_000);

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:goodgreets-db-AbCdEf';
// Every character a URL would need escaped, plus quotes and a space: parts must carry it verbatim.
const NASTY_PASSWORD = `p@ss:w/rd?#%&+= "'\\;!`;

describe('database settings from parts', () => {
  const parts = { DB_HOST: 'db.example', DB_NAME: 'goodgreets', DB_USER: 'app', DB_PASSWORD: NASTY_PASSWORD };

  it('reads host, port (default 3306), name, credentials and TLS', () => {
    expect(loadConfig(parts).database).toEqual({
      kind: 'mysql',
      host: 'db.example',
      port: 3306,
      database: 'goodgreets',
      user: 'app',
      password: NASTY_PASSWORD,
      secretArn: undefined,
      tls: false,
    });
    expect(loadConfig({ ...parts, DB_PORT: '3307', DB_TLS: 'true' }).database).toMatchObject({ port: 3307, tls: true });
    expect(loadConfig({ ...parts, DB_PASSWORD: '' }).database).toMatchObject({ password: '' });
    expect(loadConfig({}).database).toMatchObject({ kind: 'sqlite' });
    expect(loadConfig({ DATABASE_URL: 'mysql://a@b/c' }).database).toEqual({ kind: 'mysql-url', url: 'mysql://a@b/c' });
  });

  it('takes a secret ARN instead of credentials, and explicit credentials over the secret', () => {
    const { DB_HOST, DB_NAME } = parts;
    expect(loadConfig({ DB_HOST, DB_NAME, DB_SECRET_ARN: ARN }).database).toMatchObject({ secretArn: ARN });
    expect(loadConfig({ ...parts, DB_SECRET_ARN: ARN }).database).toMatchObject({ user: 'app', secretArn: undefined });
  });

  it.each([
    [{ DB_HOST: 'h', DB_USER: 'u', DB_PASSWORD: 'p' }, /DB_HOST needs DB_NAME/],
    [{ DB_HOST: 'h', DB_NAME: 'n' }, /DB_HOST needs DB_USER and DB_PASSWORD, or DB_SECRET_ARN/],
    [{ DB_HOST: 'h', DB_NAME: 'n', DB_USER: 'u' }, /DB_USER needs DB_PASSWORD/],
    [{ DB_HOST: 'h', DB_NAME: 'n', DB_PASSWORD: 'p', DB_SECRET_ARN: ARN }, /DB_PASSWORD needs DB_USER/],
    [{ DB_NAME: 'n', DB_USER: 'u', DB_PASSWORD: 'p' }, /DB_NAME, DB_USER, DB_PASSWORD set without DB_HOST/],
    [{ DB_TLS: 'true' }, /DB_TLS set without DB_HOST/],
    [{ DATABASE_URL: 'mysql://a@b/c', DB_HOST: 'h' }, /DATABASE_URL and DB_HOST are alternatives/],
    [{ ...parts, DB_PORT: '99999' }, /DB_PORT/],
    [{ ...parts, DB_TLS: 'yes' }, /DB_TLS/],
    [
      { DB_HOST: 'h', DB_NAME: 'n', DB_SECRET_ARN: 'goodgreets-db' },
      /DB_SECRET_ARN: must be a Secrets Manager secret ARN/,
    ],
  ])('refuses half-given settings %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never sends the password through a URL, and with TLS verifies against the Amazon RDS CA bundle', () => {
    const plain = mysqlConnectionOptions({
      ...(loadConfig(parts).database as MysqlParts),
      user: 'app',
      password: NASTY_PASSWORD,
    });
    expect(plain).toEqual({
      host: 'db.example',
      port: 3306,
      database: 'goodgreets',
      user: 'app',
      password: NASTY_PASSWORD,
    });
    const tls = mysqlConnectionOptions({
      ...(loadConfig({ ...parts, DB_TLS: 'true' }).database as MysqlParts),
      user: 'app',
      password: 'x',
    });
    const ssl = tls.ssl as { ca: string[]; rejectUnauthorized: boolean };
    expect(ssl.rejectUnauthorized).toBe(true);
    // RDS regional CAs and the Amazon Root CAs RDS Proxy's ACM certificates chain to.
    expect(ssl.ca.length).toBeGreaterThan(100);
    expect(ssl.ca.every((pem) => pem.startsWith('-----BEGIN CERTIFICATE-----'))).toBe(true);
  });
});

describe('MySQL from parts against the real MariaDB', () => {
  let t: TestDb;
  const user = `gg_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const dbName = () => (t.url as string).split('/').pop() as string;
  beforeAll(async () => {
    t = await createTestDb('mysql');
    const admin = await createConnection(MYSQL_ADMIN);
    await admin.query('CREATE USER ?@? IDENTIFIED BY ?', [user, '%', NASTY_PASSWORD]);
    await admin.query(`GRANT ALL ON \`${dbName()}\`.* TO ?@?`, [user, '%']);
    await admin.end();
  });
  afterAll(async () => {
    const admin = await createConnection(MYSQL_ADMIN);
    await admin.query('DROP USER IF EXISTS ?@?', [user, '%']);
    await admin.end();
    await t.drop();
  });
  const env = () => ({ DB_HOST: '127.0.0.1', DB_PORT: '3306', DB_NAME: dbName(), DB_USER: user });

  it('connects and migrates with a password full of URL-special characters', async () => {
    const database = openDatabase(loadConfig({ ...env(), DB_PASSWORD: NASTY_PASSWORD }).database);
    try {
      await database.ping();
      expect((await migrateToLatest(database.db as never, database.dialect)).applied).not.toEqual([]);
      expect(await database.db.selectFrom('designs').selectAll().execute()).toEqual([]);
    } finally {
      await database.close();
    }
    const wrong = openDatabase(loadConfig({ ...env(), DB_PASSWORD: 'not-it' }).database);
    await expect(wrong.ping()).rejects.toThrow(/Access denied/);
    await wrong.close();
  });

  it('with DB_TLS=true refuses a server without TLS instead of falling back to plain text', async () => {
    const database = openDatabase(loadConfig({ ...env(), DB_PASSWORD: NASTY_PASSWORD, DB_TLS: 'true' }).database);
    try {
      await expect(database.ping()).rejects.toThrow(/secure connection/i);
    } finally {
      await database.close();
    }
  });

  describe('Lambda context with DB_SECRET_ARN', () => {
    // A fresh module registry per test (the context is cached per container, i.e. per module
    // instance); the mock must patch the SDK classes of that same registry.
    const saved = { ...process.env };
    let sm: ReturnType<typeof mockClient>;
    let GetSecretValueCommand: typeof Sdk.GetSecretValueCommand;
    let client: () => Sdk.SecretsManagerClient;
    let lambdaContext: typeof import('../src/lambda/context').lambdaContext;
    let createDeliveryHandler: typeof import('../src/lambda/delivery').createDeliveryHandler;
    beforeEach(async () => {
      jest.resetModules();
      const sdk = await import('@aws-sdk/client-secrets-manager');
      sm = mockClient(sdk.SecretsManagerClient);
      GetSecretValueCommand = sdk.GetSecretValueCommand;
      client = () => new sdk.SecretsManagerClient({ region: 'us-east-1' });
      process.env = {
        ...saved,
        DB_HOST: '127.0.0.1',
        DB_NAME: dbName(),
        DB_SECRET_ARN: ARN,
        S3_BUCKET: 'gg-images',
        AWS_REGION: 'us-east-1',
        LOG_LEVEL: 'silent',
      };
      ({ lambdaContext } = await import('../src/lambda/context'));
      ({ createDeliveryHandler } = await import('../src/lambda/delivery'));
    });
    afterEach(() => sm.restore());
    afterAll(() => {
      process.env = saved;
    });

    it('reads username and password once per container and connects with them', async () => {
      sm.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ engine: 'mysql', username: user, password: NASTY_PASSWORD, port: 3306 }),
      });
      const ctx = await lambdaContext(client);
      try {
        expect(await lambdaContext(client)).toBe(ctx);
        expect(sm.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input)).toEqual([{ SecretId: ARN }]);
        await ctx.database.ping();
        expect(ctx.database.dialect).toBe('mysql');
      } finally {
        await ctx.database.close();
      }
    });

    it('surfaces a Secrets Manager failure naming the secret, and retries on the next invocation', async () => {
      const denied = Object.assign(new Error('User is not authorized to perform secretsmanager:GetSecretValue'), {
        name: 'AccessDeniedException',
      });
      sm.on(GetSecretValueCommand).rejectsOnce(denied).resolves({ SecretString: '{"username":"x"}' });
      const handler = createDeliveryHandler(() => lambdaContext(client));
      await expect(handler({ cardId: 'abc' })).rejects.toThrow(
        `cannot read database secret ${ARN} (DB_SECRET_ARN): AccessDeniedException: User is not authorized`,
      );
      await expect(handler({ cardId: 'abc' })).rejects.toThrow(/lacks a string "username" and "password"/);
      expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    });

    it('lets the delivery Lambda target its own schedules, its ARN taken from the invocation', async () => {
      sm.on(GetSecretValueCommand).resolves({
        SecretString: JSON.stringify({ engine: 'mysql', username: user, password: NASTY_PASSWORD, port: 3306 }),
      });
      Object.assign(process.env, {
        SCHEDULER: 'eventbridge',
        SCHEDULER_GROUP: 'goodgreets-deliveries',
        SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/scheduler',
        SCHEDULER_DLQ_ARN: 'arn:aws:sqs:us-east-1:123456789012:dead',
      });
      delete process.env.SCHEDULER_TARGET_ARN;
      const { handler } = await import('../src/lambda/delivery');
      // Without the invocation's ARN the settings are incomplete: the context refuses to start.
      await expect(handler({ cardId: 'nope' })).rejects.toThrow(/SCHEDULER=eventbridge needs SCHEDULER_TARGET_ARN/);
      const invoked = 'arn:aws:lambda:us-east-1:123456789012:function:goodgreets-delivery:live';
      expect(await handler({ cardId: 'nope' }, { invokedFunctionArn: invoked })).toEqual({ kind: 'skipped' });
      expect(process.env.SCHEDULER_TARGET_ARN).toBe(
        'arn:aws:lambda:us-east-1:123456789012:function:goodgreets-delivery',
      );
      const ctx = await lambdaContext(client);
      try {
        expect(ctx.scheduler.constructor.name).toBe('EventBridgeScheduler');
      } finally {
        await ctx.database.close();
      }
    });

    it('says what is wrong with a secret that is not JSON, without echoing it', async () => {
      sm.on(GetSecretValueCommand).resolves({ SecretString: `password=${NASTY_PASSWORD}` });
      const err = (await lambdaContext(client).catch((e: unknown) => e)) as Error;
      expect(err.message).toMatch(/is not JSON: expected \{"username": \.\.\., "password": \.\.\.\}/);
      expect(err.message).not.toContain(NASTY_PASSWORD);
    });
  });
});
