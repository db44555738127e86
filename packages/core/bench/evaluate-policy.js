#!/usr/bin/env node
// Throughput of evaluatePolicy: one year of 1-minute buckets through the default 30 d policy (8 window
// ratios, 4 tiers). Build core first: npx tsc -b packages/core && node packages/core/bench/evaluate-policy.js
const { defaultBurnRatePolicy, evaluatePolicy } = require('../dist');

const n = 365 * 24 * 60;
const series = new Array(n);
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
for (let i = 0; i < n; i++) {
  const total = 500 + Math.floor(random() * 500);
  // A 30-minute full outage every ~10 days keeps the tiers busy.
  const outage = i % 14400 < 30;
  series[i] = { t: i * 60, total, good: outage ? 0 : total - Math.floor(random() * 2) };
}
const policy = defaultBurnRatePolicy(30 * 86400);
evaluatePolicy(series.slice(0, 10000), policy, 0.999); // warm up
const start = process.hrtime.bigint();
const result = evaluatePolicy(series, policy, 0.999);
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const intervals = result.tiers.reduce((s, t) => s + t.intervals.length, 0);
process.stdout.write(
  `evaluatePolicy: ${n} buckets, ${policy.tiers.length} tiers, ${intervals} firing intervals in ${ms.toFixed(0)} ms ` +
    `(${((n / ms) * 1000).toExponential(2)} buckets/s)\n`,
);
