/**
 * `npm run bench -w @sre-kit/cli`: reviews 50 SLOs over 30 days at 1-minute
 * resolution from the file source (time and peak memory of a real `sre review`
 * process), then counts the GetMetricData calls, metrics requested and cost the
 * same review would need from CloudWatch (through aws-sdk-client-mock, with
 * the 100,800-datapoints-per-call paging CloudWatch applies).
 */
const { spawnSync } = require('node:child_process');
const { createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const SLOS = Number(process.env.BENCH_SLOS ?? 50);
const DAYS = Number(process.env.BENCH_DAYS ?? 30);
const STEP = 60;
const T0 = Date.UTC(2026, 9, 1) / 1000;
const BUCKETS = (DAYS * 86400) / STEP;

function specs() {
  return Array.from({ length: SLOS }, (_, i) => {
    const metric = (name) =>
      `          metricSource:\n            type: CloudWatch\n            spec:\n              namespace: AWS/ApplicationELB\n` +
      `              metricName: ${name}\n              dimensions:\n                LoadBalancer: app/bench-${i}/1\n              stat: Sum\n`;
    return (
      `apiVersion: openslo/v1\nkind: SLO\nmetadata:\n  name: bench-${i}\nspec:\n  service: bench\n  budgetingMethod: Occurrences\n` +
      `  timeWindow:\n    - duration: 30d\n      isRolling: true\n  objectives:\n    - target: 0.999\n  indicator:\n` +
      `    metadata:\n      name: bench-${i}-5xx\n    spec:\n      ratioMetric:\n        counter: true\n        bad:\n${metric('HTTPCode_ELB_5XX_Count')}` +
      `        total:\n${metric('RequestCount')}`
    );
  }).join('---\n');
}

async function writeData(file) {
  const out = createWriteStream(file);
  const write = (s) => (out.write(s) ? Promise.resolve() : new Promise((r) => out.once('drain', r)));
  await write('slo,timestamp,good,total\n');
  for (let s = 0; s < SLOS; s++) {
    let chunk = '';
    for (let b = 0; b < BUCKETS; b++) {
      const total = 1000 + ((b * 7 + s) % 13) * 10;
      // One 20-minute incident per SLO at a different hour, plus a trickle of errors.
      const bad = b % 1440 === (s * 20) % 1440 && b < 1440 * 20 ? 0 : (b * 31 + s) % 997 === 0 ? 3 : 0;
      const incident = b >= 1440 * 10 + s * 30 && b < 1440 * 10 + s * 30 + 20 ? Math.round(total * 0.2) : bad;
      chunk += `bench-${s},${T0 + b * STEP},${total - incident},${total}\n`;
      if (chunk.length > 1 << 20) {
        await write(chunk);
        chunk = '';
      }
    }
    await write(chunk);
  }
  await new Promise((r) => out.end(r));
}

function reviewFromFile(dir, data) {
  const bin = join(__dirname, '..', 'dist', 'bin.js');
  const wrapper =
    "process.on('exit', () => process.stderr.write('BENCH maxRSS ' + process.resourceUsage().maxRSS + '\\n'));" +
    `process.argv = ['node', 'sre', ...JSON.parse(process.env.BENCH_ARGS)]; require(${JSON.stringify(bin)});`;
  const args = [
    'review',
    join(dir, 'slos.yaml'),
    '--source',
    'file',
    '--data',
    data,
    '--from',
    String(T0),
    '--to',
    String(T0 + DAYS * 86400),
    '--format',
    'json',
    '--out',
    join(dir, 'review.json'),
  ];
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['-e', wrapper], {
    env: { ...process.env, BENCH_ARGS: JSON.stringify(args) },
    encoding: 'utf8',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (run.status !== 0) throw new Error(`sre review failed: ${run.stderr}`);
  const maxRssKb = Number(/BENCH maxRSS (\d+)/.exec(run.stderr)[1]);
  return { seconds, maxRssMb: maxRssKb / 1024 };
}

async function reviewFromCloudWatch(periodSeconds) {
  const { CloudWatchClient, GetMetricDataCommand } = require('@aws-sdk/client-cloudwatch');
  const { mockClient } = require('aws-sdk-client-mock');
  const { loadSpecTexts } = require('@sre-kit/core');
  const { readCloudWatchSeries } = require('@sre-kit/alert-router');
  const cw = mockClient(CloudWatchClient);
  // CloudWatch returns at most 100,800 datapoints per call and pages the rest behind NextToken.
  cw.on(GetMetricDataCommand).callsFake((input) => {
    const points = (input.EndTime - input.StartTime) / 1000 / periodSeconds;
    const returned = input.MetricDataQueries.filter((q) => q.ReturnData !== false).length;
    const pages = Math.ceil((returned * points) / 100_800);
    const page = input.NextToken ? Number(input.NextToken) : 1;
    return { MetricDataResults: [], ...(page < pages ? { NextToken: String(page + 1) } : {}) };
  });
  const set = loadSpecTexts([{ file: 'slos.yaml', text: specs() }]);
  const to = T0 + DAYS * 86400;
  const data = await readCloudWatchSeries(new CloudWatchClient({ region: 'us-east-1' }), set.slos, {
    from: T0,
    to,
    now: to,
    period: periodSeconds,
  });
  cw.restore();
  return { periodSeconds, calls: data.stats.calls, metrics: data.stats.metricsRequested, cost: data.costUsd };
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'sre-bench-'));
  try {
    writeFileSync(join(dir, 'slos.yaml'), specs());
    const data = join(dir, 'data.csv');
    let t = Date.now();
    await writeData(data);
    console.log(
      `data: ${SLOS} SLOs x ${DAYS} d at ${STEP} s = ${(SLOS * BUCKETS).toLocaleString('en')} rows, ${(statSync(data).size / 1e6).toFixed(0)} MB CSV (generated in ${((Date.now() - t) / 1000).toFixed(1)} s)`,
    );
    const file = reviewFromFile(dir, data);
    console.log(
      `file source: sre review of ${SLOS} SLOs took ${file.seconds.toFixed(2)} s, peak RSS ${file.maxRssMb.toFixed(0)} MB`,
    );
    for (const period of [60, 300]) {
      const cw = await reviewFromCloudWatch(period);
      console.log(
        `cloudwatch source (${period} s period${period === 300 ? ', what CloudWatch keeps for data older than 15 days' : ''}): ` +
          `${cw.calls} GetMetricData calls, ${cw.metrics.toLocaleString('en')} metrics requested, $${cw.cost.toFixed(4)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
