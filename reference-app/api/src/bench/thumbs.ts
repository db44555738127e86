import { readFileSync } from 'node:fs';
import { renderDesign } from '../thumbnailer/render';

/**
 * Thumbnails per second for a mix of 12 MP and 2 MP photos, at the worker's parallelism, in a
 * process of its own so peak RSS is the thumbnailer's.
 */
async function main() {
  const total = Number(process.env.BENCH_IMAGES ?? 24);
  const concurrency = Number(process.env.THUMBNAIL_CONCURRENCY ?? 2);
  // Made by the parent process, so generating them does not count towards this peak RSS.
  const inputs = (process.env.BENCH_INPUTS ?? '').split(',').map((f) => readFileSync(f));
  const sizes = inputs.map((b) => b.length);
  // Warm up libvips once so the first-call setup is not counted.
  await renderDesign(inputs[1] as Buffer);
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        await renderDesign(inputs[i % inputs.length] as Buffer);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  // VmHWM is this process's own high-water mark; getrusage's maxRSS is not: on Linux it keeps the
  // parent's peak from before exec (a spawning bench that just made 12 MP images would show its own).
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  process.stdout.write(
    `${JSON.stringify({ total, concurrency, seconds, perSecond: total / seconds, peakRssMiB: Math.max(peak / 2 ** 20, hwm ? Number(hwm) / 1024 : 0), inputBytes: sizes })}\n`,
  );
}
void main();
