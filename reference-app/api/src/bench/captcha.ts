// eslint-disable-next-line @typescript-eslint/no-require-imports
const altcha = require('altcha-lib') as {
  createChallenge(o: {
    hmacKey: string;
    maxNumber: number;
  }): Promise<{ challenge: string; salt: string; algorithm: string }>;
  solveChallenge(challenge: string, salt: string, algorithm: string, max: number): { promise: Promise<unknown> };
};

/**
 * `npm run bench:captcha`: how long one ALTCHA proof of work takes to solve (one core, Node's
 * SHA-256; the browser widget runs the same search in Web Workers) for difficulties around the
 * default CAPTCHA_MAX_NUMBER. The secret number is uniform in [0, max], so the mean is max/2 hashes.
 */
async function main() {
  const runs = Number(process.env.BENCH_RUNS ?? 20);
  process.stdout.write(`ALTCHA solve time, ${runs} challenges each (node ${process.version})\n`);
  for (const maxNumber of [50_000, 250_000, 1_000_000]) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const c = await altcha.createChallenge({ hmacKey: 'bench-key', maxNumber });
      const started = process.hrtime.bigint();
      await altcha.solveChallenge(c.challenge, c.salt, c.algorithm, maxNumber).promise;
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Math.round(times[Math.min(times.length - 1, Math.floor(q * times.length))]!);
    const mean = Math.round(times.reduce((a, b) => a + b, 0) / times.length);
    process.stdout.write(
      `max ${String(maxNumber).padStart(9)}: mean ${mean} ms  p50 ${at(0.5)} ms  p90 ${at(0.9)} ms  max ${at(1)} ms\n`,
    );
  }
}

void main();
