import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createConnection } from 'mysql2/promise';
import { MYSQL_ROOT, child, cpuMs } from './common';
import { photo } from './photos';

interface Case {
  name: string;
  rps: number;
  /** Server CPU (user + system) per answered request, in microseconds. */
  cpuUs: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

const DURATION = Number(process.env.BENCH_SECONDS ?? 4);

/**
 * One autocannon case against one server process, with that process's CPU time read around it.
 * Load from elsewhere on the machine slows both sides alike only if they run at the same time,
 * which is why the app and the bare server are compared in alternating rounds (see `paired`).
 */
async function cannon(name: string, pid: number, opts: autocannon.Options): Promise<Case> {
  const cpuBefore = cpuMs(pid);
  const r = await autocannon({ duration: DURATION, ...opts });
  const c = {
    name,
    rps: Math.round(r.requests.average),
    cpuUs: Math.round(((cpuMs(pid) - cpuBefore) * 1000) / Math.max(1, r.requests.total)),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
  process.stdout.write(
    `${name.padEnd(48)} ${String(c.rps).padStart(6)} req/s  p50 ${c.p50} ms  p99 ${c.p99} ms  server CPU ${c.cpuUs} us/req  non-2xx ${c.non2xx}  errors ${c.errors}\n`,
  );
  return c;
}

interface Server {
  url: string;
  pid: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/**
 * The app and the bare server on the same case in ROUNDS alternating rounds (app first, then bare
 * first, ...), so a change in the machine's load between two cases falls on both sides. The ratio
 * reported is the median of the rounds' app/bare ratios; each round's ratio is printed too.
 */
async function paired(
  label: string,
  app: { name: string; server: Server },
  bare: { name: string; server: Server },
  options: (server: Server, round: number) => autocannon.Options,
  results: Case[],
): Promise<{ ratio: number; cpuRatio: number; app: Case[] }> {
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const appCases: Case[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const runApp = () => cannon(`${app.name} #${round + 1}`, app.server.pid, options(app.server, round));
    const runBare = () => cannon(`${bare.name} #${round + 1}`, bare.server.pid, options(bare.server, round));
    const [a, b] = round % 2 === 0 ? [await runApp(), await runBare()] : [undefined, await runBare()];
    const appCase = a ?? (await runApp());
    results.push(appCase, b);
    appCases.push(appCase);
    ratios.push(appCase.rps / b.rps);
    cpuRatios.push(appCase.cpuUs / b.cpuUs);
  }
  const ratio = median(ratios);
  process.stdout.write(`  ${label} app/bare by round: ${ratios.map((r) => r.toFixed(2)).join(', ')}\n`);
  return { ratio, cpuRatio: median(cpuRatios), app: appCases };
}

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/**
 * `npm run bench`: HTTP figures on MariaDB (the app, and a bare http + mysql2 server on the same
 * data, in alternating rounds) and thumbnailer throughput with peak RSS. Each case runs a few seconds.
 */
async function main() {
  if (process.env.BENCH_ONLY !== 'thumbs') await http();
  if (process.env.BENCH_ONLY !== 'http') await thumbnails();
}

async function http() {
  const dbName = `gg_bench_${process.pid}`;
  const admin = await createConnection(`${MYSQL_ROOT}/test`);
  await admin.query(`create database \`${dbName}\` character set utf8mb4`);
  const env = {
    DATABASE_URL: `${MYSQL_ROOT}/${dbName}`,
    DATA_DIR: join(process.env.TMPDIR ?? '/tmp', dbName),
    PORT: '0',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_WRITES_PER_MINUTE: '0',
    // The bench creates its card through the API: no CAPTCHA to solve for a load test.
    CARD_CAPTCHA: 'false',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
  };
  const results: Case[] = [];
  const started: Array<{ stop(): Promise<void> }> = [];
  const start = async (script: string, extra: Record<string, string> = {}): Promise<Server> => {
    const c = await child<{ url: string }>(join(__dirname, script), { ...env, ...extra });
    started.push(c);
    return { url: c.value.url, pid: c.pid };
  };
  try {
    process.stdout.write(
      `GoodGreets API bench on MariaDB (${DURATION} s per case, ${ROUNDS} alternating rounds, node ${process.version})\n`,
    );
    // The app migrates the database first; the others start on its schema.
    const app = await start('app-server.js');
    const uncached = await start('app-server.js', { CATALOGUE_CACHE_MS: '0' });
    const bare = await start('bare-server.js');
    const designs = (s: Server) => `${s.url}/api/v1/designs`;
    for (const s of [uncached, app, bare])
      await cannon('warm-up', s.pid, { url: designs(s), connections: 10, duration: 2 });

    const get = await paired(
      'uncached GET c=10',
      { name: 'app GET /api/v1/designs c=10 (no cache)', server: uncached },
      { name: 'bare http+mysql2 GET designs c=10', server: bare },
      (s) => ({ url: designs(s), connections: 10 }),
      results,
    );
    results.push(
      await cannon('app GET /api/v1/designs c=50 (no cache)', uncached.pid, {
        url: designs(uncached),
        connections: 50,
      }),
    );
    results.push(await cannon('bare http+mysql2 GET designs c=50', bare.pid, { url: designs(bare), connections: 50 }));
    const cached10 = await cannon('app GET /api/v1/designs c=10 (2 s cache)', app.pid, {
      url: designs(app),
      connections: 10,
    });
    results.push(cached10);
    results.push(
      await cannon('app GET /api/v1/designs c=50 (2 s cache)', app.pid, { url: designs(app), connections: 50 }),
    );

    // Fresh cards for every signing case: no card nears its cap (see CARDS_PER_CASE).
    const tokens = await createCards(app.url, CARDS_PER_CASE * (2 * ROUNDS + 4));
    let used = 0;
    const nextCards = () => tokens.slice(used, (used += CARDS_PER_CASE));
    await cannon('warm-up', app.pid, signing(app.url, nextCards(), 10, 2));
    await cannon('warm-up', bare.pid, signing(bare.url, nextCards(), 10, 2));
    const post = await paired(
      'POST c=10',
      { name: 'app POST /shared/{token}/messages c=10', server: app },
      { name: 'bare http+mysql2 POST messages c=10', server: bare },
      (s) => signing(s.url, nextCards(), 10),
      results,
    );
    results.push(await cannon('app POST /shared/{token}/messages c=50', app.pid, signing(app.url, nextCards(), 50)));
    results.push(await cannon('bare http+mysql2 POST messages c=50', bare.pid, signing(bare.url, nextCards(), 50)));

    const getMedian10 = median(get.app.map((c) => c.rps));
    const getP99 = median(get.app.map((c) => c.p99));
    for (const [label, rps, p99, ratio] of [
      ['no cache', getMedian10, getP99, get.ratio],
      [
        '2 s cache',
        cached10.rps,
        cached10.p99,
        cached10.rps /
          median(results.filter((r) => r.name.startsWith('bare http+mysql2 GET designs c=10')).map((r) => r.rps)),
      ],
    ] as const) {
      const met = rps >= 1600 && p99 <= 25 ? 'met' : 'NOT met';
      process.stdout.write(
        `app (${label}) / bare GET at c=10: ${ratio.toFixed(2)}; target >= 1600 req/s with p99 <= 25 ms: ${met}\n`,
      );
    }
    process.stdout.write(
      `app / bare POST at c=10: ${post.ratio.toFixed(2)}; target >= 0.5: ${post.ratio >= 0.5 ? 'met' : 'NOT met'}\n`,
    );
    process.stdout.write(`uncached GET target >= 0.8 of bare: ${get.ratio >= 0.8 ? 'met' : 'NOT met'}\n`);
    process.stdout.write(
      `server CPU per request, app / bare at c=10: GET ${get.cpuRatio.toFixed(2)}x, ` +
        `POST ${post.cpuRatio.toFixed(2)}x (the load-independent view of the same ratios)\n`,
    );
  } finally {
    for (const s of started.reverse()) await s.stop();
    await admin.query(`drop database if exists \`${dbName}\``);
    await admin.end();
  }
  const refused = results.filter((r) => r.non2xx + r.errors > 0).map((r) => r.name);
  // A case that was answered with errors measured the wrong thing (a full card, a rate limit).
  if (refused.length > 0) throw new Error(`non-2xx answers or errors in: ${refused.join(', ')}`);
}

/**
 * Each card holds at most MESSAGES_PER_CARD (200) messages. A signing case gets cards of its own,
 * enough that none fills up at the rates measured here (a few thousand a second for DURATION
 * seconds): the app keeps its cap check, and no answer is a 409 that would be cheaper than a real
 * write. The bench stops with an error if any case had a non-2xx answer.
 */
const CARDS_PER_CASE = 150;

async function createCards(base: string, n: number): Promise<string[]> {
  const sendAt = new Date(Date.now() + 30 * 24 * 3600 * 1000).toISOString().slice(0, 16);
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${base}/api/v1/cards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        designId: 'stock-birthday-1',
        recipientName: 'Ann',
        recipientEmail: `ann${i}@example.com`,
        senderName: 'Bob',
        senderEmail: `bob${i}@example.com`,
        sendAt,
        timeZone: 'UTC',
      }),
    });
    if (res.status !== 201) throw new Error(`creating bench card ${i}: ${res.status} ${await res.text()}`);
    tokens.push(((await res.json()) as { shareToken: string }).shareToken);
  }
  return tokens;
}

/** Signing requests that walk round-robin over `tokens` (one card per request, in turn). */
function signing(base: string, tokens: string[], connections: number, duration?: number): autocannon.Options {
  let next = 0;
  return {
    url: base,
    connections,
    ...(duration === undefined ? {} : { duration }),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Bench', message: 'Congratulations and all the best for the years to come!' }),
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          path: `/api/v1/shared/${tokens[next++ % tokens.length]}/messages`,
        }),
      },
    ],
  };
}

async function thumbnails() {
  const dataDir = join(process.env.TMPDIR ?? '/tmp', `gg_bench_photos_${process.pid}`);
  const dir = join(dataDir, 'photos');
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [i, [w, h]] of [
    [4000, 3000],
    [1732, 1155],
    [3000, 4000],
    [1155, 1732],
  ].entries()) {
    files.push(join(dir, `photo-${i}.jpg`));
    writeFileSync(files[i] as string, await photo(w as number, h as number, i));
  }
  const thumbs = await child<{
    perSecond: number;
    peakRssMiB: number;
    total: number;
    seconds: number;
    concurrency: number;
    inputBytes: number[];
  }>(join(__dirname, 'thumbs.js'), {
    BENCH_INPUTS: files.join(','),
    BENCH_IMAGES: '40',
    // glibc's per-thread malloc arenas fragment under libvips; two arenas keep RSS flat (set it in production too).
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2',
  });
  await thumbs.stop();
  rmSync(dataDir, { recursive: true, force: true });
  const t = thumbs.value;
  process.stdout.write(
    `thumbnails: ${t.total} images (12 MP and 2 MP photo-like JPEGs, ${t.inputBytes.map((b) => `${(b / 2 ** 20).toFixed(1)} MiB`).join(', ')}) ` +
      `in ${t.seconds.toFixed(2)} s at parallelism ${t.concurrency} = ${t.perSecond.toFixed(1)}/s, peak RSS ${t.peakRssMiB.toFixed(0)} MiB ` +
      `(target >= 18/s, <= 200 MiB: ${t.perSecond >= 18 && t.peakRssMiB <= 200 ? 'met' : 'NOT met'})\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).message}\n`);
  process.exit(1);
});
