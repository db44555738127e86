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

/** The server process under load now; its CPU time is read around each case. */
let serverPid = 0;

async function cannon(name: string, opts: autocannon.Options): Promise<Case> {
  const cpuBefore = cpuMs(serverPid);
  const r = await autocannon({ duration: DURATION, ...opts });
  const c = {
    name,
    rps: Math.round(r.requests.average),
    cpuUs: Math.round(((cpuMs(serverPid) - cpuBefore) * 1000) / Math.max(1, r.requests.total)),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
  process.stdout.write(
    `${name.padEnd(44)} ${String(c.rps).padStart(6)} req/s  p50 ${c.p50} ms  p99 ${c.p99} ms  server CPU ${c.cpuUs} us/req  non-2xx ${c.non2xx}  errors ${c.errors}\n`,
  );
  return c;
}

/**
 * `npm run bench`: HTTP figures on MariaDB (the app, then a bare http + mysql2 server on the
 * same data) and thumbnailer throughput with peak RSS. Each case runs a few seconds.
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
  try {
    process.stdout.write(`GoodGreets API bench on MariaDB (${DURATION} s per case, node ${process.version})\n`);
    const uncached = await child<{ url: string }>(join(__dirname, 'app-server.js'), {
      ...env,
      CATALOGUE_CACHE_MS: '0',
    });
    serverPid = uncached.pid;
    try {
      const url = `${uncached.value.url}/api/v1/designs`;
      await cannon('warm-up', { url, connections: 10, duration: 2 });
      results.push(await cannon('app GET /api/v1/designs c=10 (no cache)', { url, connections: 10 }));
      results.push(await cannon('app GET /api/v1/designs c=50 (no cache)', { url, connections: 50 }));
    } finally {
      await uncached.stop();
    }
    const app = await child<{ url: string }>(join(__dirname, 'app-server.js'), env);
    serverPid = app.pid;
    const base = app.value.url;
    let tokens: string[];
    try {
      tokens = await createCards(base, CARDS);
      await cannon('warm-up', { url: `${base}/api/v1/designs`, connections: 10, duration: 2 });
      results.push(
        await cannon('app GET /api/v1/designs c=10 (2 s cache)', { url: `${base}/api/v1/designs`, connections: 10 }),
      );
      results.push(
        await cannon('app GET /api/v1/designs c=50 (2 s cache)', { url: `${base}/api/v1/designs`, connections: 50 }),
      );
      await cannon('warm-up', signing(base, tokens.slice(0, 10), 10, 2));
      results.push(await cannon('app POST /shared/{token}/messages c=10', signing(base, tokens.slice(10, 80), 10)));
      results.push(await cannon('app POST /shared/{token}/messages c=50', signing(base, tokens.slice(80, 150), 50)));
    } finally {
      await app.stop();
    }
    const bare = await child<{ url: string }>(join(__dirname, 'bare-server.js'), env);
    serverPid = bare.pid;
    try {
      await cannon('warm-up', { url: `${bare.value.url}/api/v1/designs`, connections: 10, duration: 2 });
      results.push(
        await cannon('bare http+mysql2 GET designs c=10', { url: `${bare.value.url}/api/v1/designs`, connections: 10 }),
      );
      results.push(
        await cannon('bare http+mysql2 GET designs c=50', { url: `${bare.value.url}/api/v1/designs`, connections: 50 }),
      );
      await cannon('warm-up', signing(bare.value.url, tokens.slice(150, 160), 10, 2));
      results.push(
        await cannon('bare http+mysql2 POST messages c=10', signing(bare.value.url, tokens.slice(160, 230), 10)),
      );
      results.push(
        await cannon('bare http+mysql2 POST messages c=50', signing(bare.value.url, tokens.slice(230, 300), 50)),
      );
    } finally {
      await bare.stop();
    }
  } finally {
    await admin.query(`drop database if exists \`${dbName}\``);
    await admin.end();
  }
  const find = (prefix: string) => results.find((r) => r.name.startsWith(prefix)) as Case;
  const bare10 = find('bare http+mysql2 GET designs c=10');
  for (const label of ['no cache', '2 s cache']) {
    const get10 = find(`app GET /api/v1/designs c=10 (${label})`);
    const met = get10.rps >= 1600 && get10.p99 <= 25 ? 'met' : 'NOT met';
    process.stdout.write(
      `app (${label}) / bare GET at c=10: ${(get10.rps / bare10.rps).toFixed(2)}; target >= 1600 req/s with p99 <= 25 ms: ${met}\n`,
    );
  }
  const post10 = find('app POST /shared/{token}/messages c=10');
  const barePost10 = find('bare http+mysql2 POST messages c=10');
  const ratio = post10.rps / barePost10.rps;
  process.stdout.write(
    `app / bare POST at c=10: ${ratio.toFixed(2)}; target >= 0.5: ${ratio >= 0.5 ? 'met' : 'NOT met'}\n`,
  );
  const uncached10 = find('app GET /api/v1/designs c=10 (no cache)');
  const uncachedRatio = uncached10.rps / bare10.rps;
  process.stdout.write(`uncached GET target >= 0.8 of bare: ${uncachedRatio >= 0.8 ? 'met' : 'NOT met'}\n`);
  process.stdout.write(
    `server CPU per request, app / bare at c=10: GET ${(uncached10.cpuUs / bare10.cpuUs).toFixed(2)}x, ` +
      `POST ${(post10.cpuUs / barePost10.cpuUs).toFixed(2)}x (the load-independent view of the same ratios)\n`,
  );
  const refused = results.filter((r) => r.non2xx + r.errors > 0).map((r) => r.name);
  // A case that was answered with errors measured the wrong thing (a full card, a rate limit).
  if (refused.length > 0) throw new Error(`non-2xx answers or errors in: ${refused.join(', ')}`);
}

/**
 * Each card holds at most MESSAGES_PER_CARD (200) messages, so a signing case spreads its
 * requests over enough cards that none fills up: the app keeps its cap check, and no answer is a
 * 409 that would be cheaper than a real write.
 */
const CARDS = 300;

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
