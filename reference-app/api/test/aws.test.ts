import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { SesMailer } from '../src/adapters/mailer/ses';
import { AppError, ObjectMissing } from '../src/domain/errors';
import { S3ObjectStore } from '../src/adapters/objects/s3';
import { EventBridgeScheduler } from '../src/adapters/scheduler/eventbridge';
import { createDeliveryHandler } from '../src/lambda/delivery';
import { createThumbnailHandler, objectKeys } from '../src/lambda/thumbnailer';
import type { RunningApp } from '../src/server';
import { orientedJpeg } from './fixtures';
import {
  type TestDb,
  TestClock,
  createTestDb,
  http,
  localIn,
  newCard,
  startTestApp,
  seedUploadedOriginal,
} from './helpers';

jest.setTimeout(30_000);

const options = {
  groupName: 'goodgreets',
  targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:delivery',
  roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
  deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:delivery-dlq',
};
const scheduled = {
  id: 'card123',
  sendAtLocal: '2026-12-24T18:00:00',
  timeZone: 'Europe/Berlin',
  sendAtUtc: Date.UTC(2026, 11, 24, 17),
};

describe('EventBridge Scheduler adapter', () => {
  const mock = mockClient(SchedulerClient);
  const scheduler = new EventBridgeScheduler(new SchedulerClient({ region: 'eu-west-1' }), options);
  beforeEach(() => mock.reset());

  it('creates one one-time schedule per card: at() in the card zone, delete after completion, retries and DLQ', async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.schedule(scheduled);
    const calls = mock.commandCalls(CreateScheduleCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Name: 'card-card123',
      GroupName: 'goodgreets',
      ClientToken: 'card-card123',
      ScheduleExpression: 'at(2026-12-24T18:00:00)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Description: 'GoodGreets delivery of card card123',
      Target: {
        Arn: options.targetArn,
        RoleArn: options.roleArn,
        Input: '{"cardId":"card123"}',
        RetryPolicy: { MaximumRetryAttempts: 20, MaximumEventAgeInSeconds: 86400 },
        DeadLetterConfig: { Arn: options.deadLetterArn },
      },
    });
  });

  it("postpones an empty card with a schedule of its own, so EventBridge's deletion of the fired one cannot undo it", async () => {
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.postpone({ ...scheduled, sendAtLocal: '2026-12-25T18:00:00' });
    expect(mock.commandCalls(CreateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: 'card-card123-empty',
      ClientToken: 'card-card123-empty',
      ScheduleExpression: 'at(2026-12-25T18:00:00)',
      ScheduleExpressionTimezone: 'Europe/Berlin',
      ActionAfterCompletion: 'DELETE',
      Target: expect.objectContaining({ Input: '{"cardId":"card123"}' }),
    });
    expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    // A repeated run (at-least-once invocation) converges on the same schedule.
    mock.reset();
    mock.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.postpone({ ...scheduled, sendAtLocal: '2026-12-25T18:00:00' });
    expect(mock.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toMatchObject({ Name: 'card-card123-empty' });
  });

  it('is idempotent by name: a create that finds the schedule updates it', async () => {
    mock.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.schedule(scheduled);
    expect(mock.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: 'card-card123',
      ScheduleExpression: 'at(2026-12-24T18:00:00)',
    });
  });

  it('updates on reschedule (creating it if it vanished) and deletes on cancel', async () => {
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.reschedule({ ...scheduled, sendAtLocal: '2027-01-02T09:30:00', timeZone: 'America/New_York' });
    expect(mock.commandCalls(UpdateScheduleCommand)[0]?.args[0].input).toMatchObject({
      Name: 'card-card123',
      ScheduleExpression: 'at(2027-01-02T09:30:00)',
      ScheduleExpressionTimezone: 'America/New_York',
    });
    mock.reset();
    mock.on(UpdateScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await scheduler.reschedule(scheduled);
    expect(mock.commandCalls(CreateScheduleCommand)).toHaveLength(1);

    mock.reset();
    mock.on(DeleteScheduleCommand).resolves({});
    await scheduler.cancel('card123');
    expect(mock.commandCalls(DeleteScheduleCommand)[0]?.args[0].input).toEqual({
      Name: 'card-card123',
      GroupName: 'goodgreets',
    });
    mock.on(DeleteScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    await expect(scheduler.cancel('card123')).resolves.toBeUndefined();
    mock.on(DeleteScheduleCommand).rejects(new Error('AccessDenied'));
    await expect(scheduler.cancel('card123')).rejects.toThrow('AccessDenied');
  });
});

describe('S3 object store', () => {
  const mock = mockClient(S3Client);
  beforeEach(() => mock.reset());
  const store = new S3ObjectStore(new S3Client({ region: 'eu-west-1' }), 'gg-media', 'https://cdn.example');

  it('puts, gets and deletes objects with the right parameters', async () => {
    mock.on(PutObjectCommand).resolves({});
    mock
      .on(GetObjectCommand)
      .resolves({ Body: { transformToByteArray: async () => new Uint8Array([1, 2, 3]) } as never });
    mock.on(DeleteObjectCommand).resolves({});
    await store.put('thumbs/x.jpg', Buffer.from('img'), 'image/jpeg');
    await store.put('originals/x', Buffer.from('raw'), 'application/octet-stream');
    const puts = mock.commandCalls(PutObjectCommand).map((c) => c.args[0].input);
    expect(puts[0]).toMatchObject({
      Bucket: 'gg-media',
      Key: 'thumbs/x.jpg',
      ContentType: 'image/jpeg',
      CacheControl: 'public, max-age=31536000, immutable',
    });
    expect(puts[1]).toMatchObject({ Key: 'originals/x', CacheControl: 'private, no-store' });
    expect(await store.get('originals/x')).toEqual(Buffer.from([1, 2, 3]));
    await store.delete('originals/x');
    expect(mock.commandCalls(DeleteObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'gg-media',
      Key: 'originals/x',
    });
    expect(store.url('thumbs/x.jpg')).toBe('https://cdn.example/thumbs/x.jpg');
  });

  it('reports a refused put as storage_unavailable (503) and a missing key as ObjectMissing', async () => {
    mock
      .on(PutObjectCommand)
      .rejects(Object.assign(new Error('Please reduce your request rate.'), { name: 'SlowDown' }));
    mock
      .on(GetObjectCommand)
      .rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' }));
    const put = await store.put('originals/y', Buffer.from('raw'), 'application/octet-stream').catch((e: unknown) => e);
    expect(put).toBeInstanceOf(AppError);
    expect(put).toMatchObject({ status: 503, code: 'storage_unavailable' });
    expect((put as Error).message).not.toMatch(/reduce/);
    await expect(store.get('originals/y')).rejects.toBeInstanceOf(ObjectMissing);
    // Anything else on a read is not "missing": it stays what it was.
    mock.on(GetObjectCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    await expect(store.get('originals/y')).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('AWS entry points against a real app database', () => {
  const ses = mockClient(SESv2Client);
  let db: TestDb;
  let app: RunningApp;
  beforeAll(async () => {
    db = await createTestDb('sqlite');
    const mailer = new SesMailer(
      new SESv2Client({ region: 'eu-west-1' }),
      'GoodGreets <cards@goodgreets.example>',
      'gg-config',
    );
    app = await startTestApp(db, { SCHEDULER_POLL_MS: '3600000' }, { mailer });
  });
  afterAll(async () => {
    await app.stop();
    await db.drop();
  });

  it('delivery Lambda sends through SES v2 once, with the whole composition, and ignores duplicates', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'ses-1' });
    const card = (
      await http<{ id: string; shareToken: string }>(app.url, '/api/v1/cards', {
        method: 'POST',
        json: newCard({ sendAt: localIn('UTC', Date.now() + 1_100), timeZone: 'UTC' }),
      })
    ).body;
    await http(app.url, `/api/v1/shared/${card.shareToken}/messages`, {
      method: 'POST',
      json: { name: 'Ann', message: 'Congratulations from all of us' },
    });
    await new Promise((r) => setTimeout(r, 1_200));
    const handler = createDeliveryHandler(() => app.ctx);
    expect(await handler({ cardId: card.id })).toEqual({ kind: 'sent' });
    expect(await handler({ cardId: card.id })).toEqual({ kind: 'skipped' });
    expect(await handler({ cardId: "x' OR 1=1" })).toEqual({ kind: 'skipped' });
    const calls = ses.commandCalls(SendEmailCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]?.args[0].input;
    expect(input).toMatchObject({
      FromEmailAddress: 'GoodGreets <cards@goodgreets.example>',
      Destination: { ToAddresses: ['ann@example.com'] },
      ReplyToAddresses: ['bob@example.com'],
      ConfigurationSetName: 'gg-config',
    });
    const raw = Buffer.from(input?.Content?.Raw?.Data as Uint8Array).toString('utf8');
    expect(raw).toMatch(/^Subject: Bob sent you a card: Balloons/m);
    expect(raw).toContain('Congratulations from all of us');
    expect(raw).toContain('Content-Type: image/jpeg');
    expect(raw).toContain(`/s/${card.shareToken}`);
  });

  it('delivery Lambda leaves a card that is not yet due', async () => {
    ses.reset();
    const card = (await http<{ id: string }>(app.url, '/api/v1/cards', { method: 'POST', json: newCard() })).body;
    expect(await createDeliveryHandler(() => app.ctx)({ cardId: card.id })).toMatchObject({ kind: 'not_due' });
    expect(ses.commandCalls(SendEmailCommand)).toHaveLength(0);
  });

  it('thumbnailer Lambda processes S3 notifications and EventBridge Object Created events', async () => {
    expect(objectKeys({ Records: [{ s3: { object: { key: 'originals/a+b%2Bc' } } }] })).toEqual(['originals/a b+c']);
    expect(objectKeys({ 'detail-type': 'Object Created', detail: { object: { key: 'originals/abc' } } })).toEqual([
      'originals/abc',
    ]);
    // An upload as the API leaves it (row + original in the store), with the local worker stopped
    // so only the handler processes it.
    await app.thumbnails.close();
    const id = 'lambdaDesign1';
    await seedUploadedOriginal(app, id, await orientedJpeg());
    const handler = createThumbnailHandler(() => app.ctx);
    expect(await handler({ 'detail-type': 'Object Created', detail: { object: { key: `originals/${id}` } } })).toEqual([
      { designId: id, result: 'ready' },
    ]);
    // A duplicate event changes nothing.
    expect(await handler({ Records: [{ s3: { object: { key: `originals/${id}` } } }] })).toEqual([
      { designId: id, result: 'skipped' },
    ]);
    expect(await handler({ Records: [{ s3: { object: { key: 'display/whatever.jpg' } } }] })).toEqual([]);
    expect((await http(app.url, `/api/v1/designs/${id}`)).body).toMatchObject({
      status: 'ready',
      thumbnailUrl: `/media/thumbnails/${id}.jpg`,
    });
  });
});

describe('schedule creation failure', () => {
  it('answers 503 and leaves no card behind (the original kept an unscheduled row)', async () => {
    const mock = mockClient(SchedulerClient);
    mock.on(CreateScheduleCommand).rejects(new Error('ThrottlingException'));
    const db = await createTestDb('sqlite');
    const app = await startTestApp(
      db,
      {},
      { scheduler: new EventBridgeScheduler(new SchedulerClient({ region: 'eu-west-1' }), options) },
    );
    try {
      const res = await http<{ error: { code: string } }>(app.url, '/api/v1/cards', {
        method: 'POST',
        json: newCard(),
      });
      expect([res.status, res.body.error.code]).toEqual([503, 'scheduler_unavailable']);
      expect(await app.ctx.database.db.selectFrom('cards').selectAll().execute()).toEqual([]);
      expect(res.text).not.toContain('ThrottlingException');
    } finally {
      mock.restore();
      await app.stop();
      await db.drop();
    }
  });
});

describe('an empty card on EventBridge', () => {
  it('is moved with a schedule of its own through the delivery handler, the card schedule left alone', async () => {
    const mock = mockClient(SchedulerClient);
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const db = await createTestDb('sqlite');
    const clock = new TestClock();
    const app = await startTestApp(
      db,
      { EMPTY_CARDS: 'postpone' },
      { clock, scheduler: new EventBridgeScheduler(new SchedulerClient({ region: 'eu-west-1' }), options) },
    );
    try {
      const card = (
        await http<{ id: string }>(app.url, '/api/v1/cards', {
          method: 'POST',
          json: newCard({ sendAt: localIn('Asia/Tokyo', Date.now() + 3_600_000), timeZone: 'Asia/Tokyo' }),
        })
      ).body;
      mock.resetHistory();
      clock.offset = 3_600_000 + 1_000;
      expect(await createDeliveryHandler(() => app.ctx)({ cardId: card.id })).toMatchObject({ kind: 'postponed' });
      const created = mock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input);
      expect(created.map((i) => [i.Name, i.ScheduleExpressionTimezone])).toEqual([
        [`card-${card.id}-empty`, 'Asia/Tokyo'],
      ]);
      const row = await app.ctx.database.db
        .selectFrom('cards')
        .select('send_at_local')
        .where('id', '=', card.id)
        .executeTakeFirstOrThrow();
      expect(created[0]?.ScheduleExpression).toBe(`at(${row.send_at_local})`);
      expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    } finally {
      mock.restore();
      await app.stop();
      await db.drop();
    }
  });
});

describe('Lambda context from the environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    jest.resetModules();
  });
  it('defaults to S3, SES, the WAF CAPTCHA and EMF metrics, and refuses to start without a bucket', async () => {
    process.env = {
      ...saved,
      DATABASE_URL: 'mysql://user@127.0.0.1:3306/none',
      S3_BUCKET: 'gg-media',
      MAIL_FROM: 'GoodGreets <cards@x.example>',
      AWS_REGION: 'eu-west-1',
    };
    const { lambdaContext } = await import('../src/lambda/context');
    const ctx = await lambdaContext();
    try {
      expect(ctx.objects).toBeInstanceOf((await import('../src/adapters/objects/s3')).S3ObjectStore);
      expect(ctx.mailer).toBeInstanceOf((await import('../src/adapters/mailer/ses')).SesMailer);
      expect(ctx.captcha.provider).toBe('aws-waf');
      expect(ctx.database.dialect).toBe('mysql');
      expect(ctx.metrics).toBeInstanceOf((await import('../src/emf')).EmfMetrics);
      expect(await lambdaContext()).toBe(ctx);
    } finally {
      await ctx.close();
    }
    jest.resetModules();
    process.env = { ...saved, DATABASE_URL: 'mysql://user@127.0.0.1:3306/none' };
    const again = await import('../src/lambda/context');
    await expect(again.lambdaContext()).rejects.toThrow(/S3_BUCKET/);
  });
});
