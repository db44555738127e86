// The scheduler adapters at their edges: the local worker's leases, a job answered "later", its
// backoff between failed attempts and what it logs and keeps when it retries or gives up, stopping
// with a job in flight and a failed poll; EventBridge Scheduler errors that must not be swallowed.
import {
  ConflictException,
  CreateScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { sql } from 'kysely';
import pino from 'pino';
import type { Database } from '../src/adapters/db/database';
import { SqlCardRepository } from '../src/adapters/db/repositories';
import { EventBridgeScheduler } from '../src/adapters/scheduler/eventbridge';
import { type JobOutcome, LocalScheduler, SchedulerWorker } from '../src/adapters/scheduler/local';
import { type TestDb, cardRecord, DUE_29_NOV_23_UTC, migratedTestDatabase } from './helpers';

const DUE = DUE_29_NOV_23_UTC.sendAtUtc;
const HOUR = 3_600_000;
const WARN = 40;
const ERROR = 50;

interface LogRecord {
  level: number;
  msg: string;
  cardId?: string;
  attempt?: number;
  retryInMs?: number;
  err?: string;
}

describe('the local scheduler worker', () => {
  let t: TestDb;
  let database: Database;
  let now: number;
  let logs: LogRecord[];
  const clock = { now: () => now };
  const logger = () =>
    pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) });

  const scheduleCard = async (id: string) => {
    await new SqlCardRepository(database.db).insert(cardRecord(id, DUE_29_NOV_23_UTC));
    await new LocalScheduler(database.db, clock).schedule({ id, ...DUE_29_NOV_23_UTC });
  };
  const job = (cardId: string) =>
    database.db
      .selectFrom('jobs')
      .select(['status', 'attempts', 'run_at', 'last_error'])
      .where('card_id', '=', cardId)
      .executeTakeFirstOrThrow();

  beforeEach(async () => {
    ({ t, database } = await migratedTestDatabase('sqlite'));
    now = DUE;
    logs = [];
  });
  afterEach(async () => {
    jest.useRealTimers();
    await database.close();
    await t.drop();
  });

  it('runs a job answered "later" again at that time, not before, with its retries counted afresh', async () => {
    await scheduleCard('later');
    const answers: Array<() => JobOutcome> = [
      () => {
        throw new Error('SMTP 451 try again later');
      },
      () => ({ kind: 'later', runAt: DUE + HOUR }),
      () => {
        throw new Error('SMTP 451 try again later');
      },
    ];
    const gaveUp: string[] = [];
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      maxAttempts: 2,
      backoffMs: 1_000,
      run: async () => (answers.shift() as () => JobOutcome)(),
      giveUp: async (cardId) => void gaveUp.push(cardId),
    });
    expect(await worker.tick()).toBe(1);
    now = DUE + 1_000;
    expect(await worker.tick()).toBe(1);
    expect(await worker.tick()).toBe(0);
    now = DUE + HOUR - 1;
    expect(await worker.tick()).toBe(0);
    now = DUE + HOUR;
    // One failure at the new time is the first of a fresh set of attempts, not the last of the old one.
    expect(await worker.tick()).toBe(1);
    expect(gaveUp).toEqual([]);
    expect(await job('later')).toMatchObject({ status: 'pending', attempts: 1 });
  });

  it('retries a failed job after backoffMs, then twice as long each time, but never more than an hour later', async () => {
    await scheduleCard('flaky');
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      maxAttempts: 10,
      backoffMs: 1_000_000,
      run: async () => {
        // An attempt that times out after 30 s: the wait before the next one starts when it failed.
        now += 30_000;
        throw new Error('SMTP 451 try again later');
      },
      giveUp: async () => undefined,
    });
    const waits = [1_000_000, 2_000_000, HOUR, HOUR];
    for (const wait of waits) {
      const due = Number((await job('flaky')).run_at);
      now = due - 1;
      expect(await worker.tick()).toBe(0);
      now = due;
      expect(await worker.tick()).toBe(1);
      expect(await job('flaky')).toMatchObject({ status: 'pending', run_at: due + 30_000 + wait });
    }
    // The operator reads the same waits, per card and attempt, in the log.
    expect(logs.filter((l) => l.level === WARN)).toEqual(
      waits.map((wait, i) =>
        expect.objectContaining({
          msg: 'delivery job failed, will retry',
          cardId: 'flaky',
          attempt: i + 1,
          retryInMs: wait,
          err: 'SMTP 451 try again later',
        }),
      ),
    );
  });

  it('gives up after the last attempt, logging the card; the error kept on the job and logged is cut to 500 characters', async () => {
    await scheduleCard('doomed');
    const reply = `SMTP 554 rejected: ${'x'.repeat(2_000)}`;
    const gaveUp: string[] = [];
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      maxAttempts: 2,
      backoffMs: 1_000,
      run: async () => {
        throw new Error(reply);
      },
      giveUp: async (cardId) => void gaveUp.push(cardId),
    });
    expect(await worker.tick()).toBe(1);
    expect(await job('doomed')).toMatchObject({ status: 'pending', last_error: reply.slice(0, 500) });
    now = DUE + 1_000;
    expect(await worker.tick()).toBe(1);
    expect(gaveUp).toEqual(['doomed']);
    expect(await job('doomed')).toMatchObject({ status: 'failed', last_error: reply.slice(0, 500) });
    expect(logs.filter((l) => l.level >= WARN)).toEqual([
      expect.objectContaining({ level: WARN, cardId: 'doomed', attempt: 1, err: reply.slice(0, 500) }),
      expect.objectContaining({
        level: ERROR,
        msg: 'delivery job gave up',
        cardId: 'doomed',
        attempt: 2,
        err: reply.slice(0, 500),
      }),
    ]);
  });

  it("cannot undo another worker's run when it finishes a job whose lease it lost", async () => {
    await scheduleCard('leased');
    const finishers: Array<{ done(o: JobOutcome): void; fail(e: Error): void }> = [];
    let started: () => void = () => undefined;
    const run = () =>
      new Promise<JobOutcome>((done, fail) => {
        finishers.push({ done, fail });
        started();
      });
    const nextRun = (n: number) =>
      finishers.length >= n ? Promise.resolve() : new Promise<void>((r) => (started = r));
    const worker = () =>
      new SchedulerWorker({ db: database.db, clock, logger: logger(), run, giveUp: async () => undefined });
    const slow = worker();
    const other = worker();

    const slowTick = slow.tick();
    await nextRun(1);
    // The slow worker hangs past its lease (60 s by default): the job is taken over.
    now = DUE + 60_001;
    const otherTick = other.tick();
    await nextRun(2);
    finishers[0]?.fail(new Error('socket hang up'));
    await slowTick;
    finishers[1]?.done({ kind: 'done' });
    await otherTick;

    expect(await job('leased')).toMatchObject({ status: 'done' });
    now += 24 * HOUR;
    expect(await slow.tick()).toBe(0);
    expect(finishers).toHaveLength(2);
  });

  it('stop() waits for the job in flight and starts no other, then or later', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await scheduleCard('first');
    await scheduleCard('second');
    const started: string[] = [];
    let finishFirst: (o: JobOutcome) => void = () => undefined;
    let firstStarted: () => void = () => undefined;
    const firstRunning = new Promise<void>((r) => (firstStarted = r));
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      pollMs: 1_000,
      giveUp: async () => undefined,
      run: (cardId) => {
        started.push(cardId);
        if (started.length > 1) return Promise.resolve({ kind: 'done' });
        firstStarted();
        return new Promise((r) => (finishFirst = r));
      },
    });
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    await firstRunning;

    let stopped = false;
    const stopping = worker.stop().then(() => void (stopped = true));
    await jest.advanceTimersByTimeAsync(5_000);
    expect(stopped).toBe(false);
    finishFirst({ kind: 'done' });
    await stopping;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(started).toHaveLength(1);
    const [first] = started;
    expect((await job(first as string)).status).toBe('done');
    expect((await job(first === 'first' ? 'second' : 'first')).status).toBe('pending');
  });

  it('once stopped, leaves the database alone, so the app can close it right after', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      pollMs: 1_000,
      run: async () => ({ kind: 'done' }),
      giveUp: async () => undefined,
    });
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    await worker.stop();
    await database.close();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(logs.filter((l) => l.level >= ERROR)).toEqual([]);
  });

  it('once stopped with a job in flight, polls no more after that job, so the app can close the database', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await scheduleCard('in_flight');
    let finish: (o: JobOutcome) => void = () => undefined;
    let running: () => void = () => undefined;
    const started = new Promise<void>((r) => (running = r));
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      pollMs: 1_000,
      run: () => new Promise((r) => ((finish = r), running())),
      giveUp: async () => undefined,
    });
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    await started;
    const stopping = worker.stop();
    finish({ kind: 'done' });
    await stopping;
    expect((await job('in_flight')).status).toBe('done');
    await database.close();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(logs.filter((l) => l.level >= ERROR)).toEqual([]);
  });

  it('logs why a poll failed and keeps polling', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await scheduleCard('after_outage');
    const started: string[] = [];
    const worker = new SchedulerWorker({
      db: database.db,
      clock,
      logger: logger(),
      pollMs: 1_000,
      run: async (cardId) => (started.push(cardId), { kind: 'done' }),
      giveUp: async () => undefined,
    });
    // The table is briefly away, as a database mid-failover answers: the operator needs the reason.
    await sql`alter table jobs rename to jobs_away`.execute(database.db);
    worker.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(logs.filter((l) => l.level >= ERROR)).toEqual([
      expect.objectContaining({ msg: 'scheduler poll failed', err: expect.stringMatching(/no such table: jobs/) }),
    ]);
    expect(started).toEqual([]);
    await sql`alter table jobs_away rename to jobs`.execute(database.db);
    await jest.advanceTimersByTimeAsync(1_000);
    await worker.stop();
    expect(started).toEqual(['after_outage']);
  });
});

describe('EventBridge Scheduler adapter when AWS refuses', () => {
  const mock = mockClient(SchedulerClient);
  const scheduler = new EventBridgeScheduler(new SchedulerClient({ region: 'eu-west-1' }), {
    groupName: 'goodgreets',
    targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:delivery',
    roleArn: 'arn:aws:iam::123456789012:role/scheduler-invoke',
    deadLetterArn: 'arn:aws:sqs:eu-west-1:123456789012:delivery-dlq',
  });
  const card = { id: 'card123', ...DUE_29_NOV_23_UTC };
  const throttled = () => Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
  beforeEach(() => mock.reset());
  afterAll(() => mock.restore());

  it('fails a reschedule that AWS refused for any reason but a vanished schedule, creating nothing', async () => {
    mock.on(UpdateScheduleCommand).rejects(throttled());
    await expect(scheduler.reschedule(card)).rejects.toThrow('Rate exceeded');
    expect(mock.commandCalls(CreateScheduleCommand)).toHaveLength(0);
  });

  it('recreates a vanished schedule under a token of the card and its time, so a later move is not taken for a retry', async () => {
    mock.on(UpdateScheduleCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));
    mock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    const later = { ...card, sendAtLocal: '2026-11-30T23:00:00', sendAtUtc: DUE + 24 * HOUR };
    await scheduler.reschedule(card);
    await scheduler.reschedule(card);
    await scheduler.reschedule(later);
    const tokens = mock.commandCalls(CreateScheduleCommand).map((c) => c.args[0].input.ClientToken);
    expect(tokens).toEqual([`card-card123-${DUE}`, `card-card123-${DUE}`, `card-card123-${DUE + 24 * HOUR}`]);
  });

  it('fails a postponement that AWS refused for any reason but an existing schedule, updating nothing', async () => {
    mock.on(CreateScheduleCommand).rejects(throttled());
    await expect(scheduler.postpone(card)).rejects.toThrow('Rate exceeded');
    expect(mock.commandCalls(UpdateScheduleCommand)).toHaveLength(0);
    // An existing schedule is the one case that converges by updating it.
    mock.on(CreateScheduleCommand).rejects(new ConflictException({ message: 'exists', $metadata: {} }));
    mock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await expect(scheduler.postpone(card)).resolves.toBeUndefined();
  });
});
