import { writeFile } from 'node:fs/promises';
import { resolve, join } from 'node:path';
import type { Command } from 'commander';
import { MissingEngineError } from '../loop/engines';
import { runDrill } from '../loop/drill';
import { startLoop, type Loop } from '../loop/up';
import { exitWith } from '../review/fail';

interface LoopOpts {
  root: string;
  dataDir?: string;
  interval: string;
}

async function up(opts: LoopOpts, faults: boolean): Promise<Loop> {
  const interval = Number(opts.interval);
  if (!Number.isInteger(interval) || interval < 1) exitWith(`sre loop: bad --interval "${opts.interval}"`);
  try {
    return await startLoop({
      root: resolve(opts.root),
      dataDir: opts.dataDir ?? process.env.DATA_DIR ?? join(resolve(opts.root), '.loop'),
      intervalSeconds: interval,
      faults,
    });
  } catch (err) {
    if (err instanceof MissingEngineError) exitWith(`sre loop: ${err.message}`, 2);
    throw err;
  }
}

function printUrls(loop: Loop): void {
  const u = loop.urls;
  process.stdout.write(
    `GoodGreets    ${u.app}  (fault switch: PUT ${u.app}/_drill/fault)\n` +
      `Prometheus    ${u.prometheus}  (${loop.engines.prometheus})\n` +
      `Alertmanager  ${u.alertmanager}  (${loop.engines.alertmanager})\n` +
      `Slack         ${u.slack}\n`,
  );
}

function common(cmd: Command): Command {
  return cmd
    .option('--root <dir>', 'repository root (holds reference-app/ and alarms/)', '.')
    .option('--data-dir <dir>', 'data and logs of every engine (default: $DATA_DIR or <root>/.loop)')
    .option('--interval <seconds>', 'Prometheus scrape and rule evaluation interval', '5');
}

/** `sre loop up` and `sre loop drill`: the SRE loop on local engines. */
export function registerLoop(program: Command): void {
  const loop = program
    .command('loop')
    .description(
      'GoodGreets -> Prometheus -> Alertmanager -> Slack stand-in on this machine (needs Debian prometheus and prometheus-alertmanager)',
    );
  common(loop.command('up'))
    .description('Start the loop and keep it running until Ctrl-C')
    .option('--faults', "enable GoodGreets' drill fault switch")
    .action(async (opts: LoopOpts & { faults?: boolean }) => {
      const running = await up(opts, opts.faults ?? false);
      printUrls(running);
      process.stdout.write('Ctrl-C stops everything.\n');
      await new Promise<void>((done) => {
        const stop = () => void running.stop().then(done);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
  common(loop.command('drill'))
    .description('Start the loop, inject a full API outage, and time the page, the Slack post and the resolution')
    .option('--page-within <seconds>', 'fail unless the page fires within this time of the fault', '180')
    .option('--slack-within <seconds>', 'fail unless the Slack post arrives within this time of the fault', '240')
    .action(async (opts: LoopOpts & { pageWithin: string; slackWithin: string }) => {
      const running = await up(opts, true);
      const interrupt = () => void running.stop().then(() => process.exit(130));
      process.once('SIGINT', interrupt);
      process.once('SIGTERM', interrupt);
      printUrls(running);
      let outcome;
      try {
        outcome = await runDrill(running, {
          pageLimitSeconds: Number(opts.pageWithin),
          slackLimitSeconds: Number(opts.slackWithin),
          log: (line) => process.stdout.write(`${line}\n`),
        });
        // The posts as the stand-in received them: `npm run loop:screenshot` shows them again.
        await writeFile(join(running.dataDir, 'slack-posts.json'), JSON.stringify(running.standin.posts, null, 2));
      } finally {
        process.off('SIGINT', interrupt);
        process.off('SIGTERM', interrupt);
        await running.stop();
      }
      const { result, review } = outcome;
      process.stdout.write(
        `\nsre review --source prometheus --url ${running.urls.prometheus} over the drill:\n${review}\n`,
      );
      const ok = result.pageFiredAfterSeconds !== null && result.slackPostAfterSeconds !== null;
      process.stdout.write(
        `${ok ? 'PASS' : 'FAIL'}: page ${result.pageFiredAfterSeconds ?? 'never'} s, Slack ${result.slackPostAfterSeconds ?? 'never'} s, ` +
          `resolved ${result.resolvedAfterSeconds ?? 'never'} s after the fault ended; expected detection ${result.expectedDetectionSeconds} s\n`,
      );
      process.stdout.write(`${JSON.stringify(result)}\n`);
      if (!ok) exitWith('sre loop drill: the page did not reach Slack in time');
    });
}
