import type { Command } from 'commander';
import { startSlackStandin } from '@sre-kit/alert-router';
import { exitWith } from '../review/fail';

/** `sre alerts slack-standin`: the local Slack stand-in (webhooks and the bot's Web API), until Ctrl-C. */
export function registerSlackStandin(program: Command): void {
  const alerts =
    program.commands.find((c) => c.name() === 'alerts') ??
    program.command('alerts').description('Work with alert routing and notifications');
  alerts
    .command('slack-standin')
    .description(
      'Run a local Slack stand-in (incoming webhooks, chat.postMessage, chat.update): messages and threads are shown at / and listed as JSON at /messages',
    )
    .option('--port <port>', 'port on 127.0.0.1 (0 picks a free one)', '0')
    .addHelpText(
      'after',
      '\nPoint Slack webhook URLs (router secrets, Alertmanager api_url_file) at http://127.0.0.1:PORT/<any path>,\n' +
        'and bot-token receivers at --slack-api-url http://127.0.0.1:PORT/api (any xoxb- token is accepted).',
    )
    .action(async (opts: { port: string }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        exitWith(`sre alerts slack-standin: bad --port "${opts.port}"`);
      const standin = await startSlackStandin(port);
      process.stdout.write(`Slack stand-in listening at ${standin.url}\n`);
      await new Promise<void>((resolve) => {
        const stop = () => void standin.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
