import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Command } from 'commander';
import { renderAlertmanagerConfig } from '@sre-kit/core';
import { exitWith } from '../review/fail';
import { loadValidSpecs } from '../text/specs';
import { renderCommand } from './render';

const HELP = `
Renders the AlertRouting spec (alarms/routing.yaml) as an alertmanager.yml with the same route tree
and receivers. Slack receivers read their webhook URL from a file named after the spec's
webhookSecret under --secrets-dir (goodgreets/slack/page -> DIR/goodgreets/slack/page); email
receivers use --smtp-smarthost and --smtp-from. The router's alarm/alarmName label is Alertmanager's
alertname; every other label keeps its name. Check the output with: amtool check-config FILE

Example:
  sre render alertmanager --out alertmanager.yml --secrets-dir /etc/alertmanager/secrets alarms`;

export function registerRenderAlertmanager(program: Command): void {
  renderCommand(program)
    .command('alertmanager')
    .description('Render the AlertRouting spec as an Alertmanager configuration')
    .argument('<path...>', 'spec files or folders (exactly one AlertRouting among them)')
    .option('--out <file>', 'file to write (default: standard output)')
    .option('--secrets-dir <dir>', 'folder of files holding the Slack webhook URLs', '/etc/alertmanager/secrets')
    .option('--smtp-smarthost <host:port>', 'SMTP relay for email receivers', 'localhost:25')
    .option('--smtp-from <address>', 'sender of email notifications', 'alertmanager@localhost')
    .addHelpText('after', HELP)
    .action(
      async (
        paths: string[],
        opts: { out?: string; secretsDir: string; smtpSmarthost: string; smtpFrom: string },
        cmd: Command,
      ) => {
        const specs = await loadValidSpecs(paths, cmd);
        if (specs.routings.length !== 1) {
          exitWith(
            `sre render alertmanager: found ${specs.routings.length} AlertRouting specs in ${paths.join(' ')}; ` +
              'Alertmanager takes one route tree (pass the folder or file holding exactly one)',
          );
        }
        const windows = specs.routings[0].maintenanceWindows ?? [];
        // Alertmanager has no scoped, dated windows; muting them there would take a silence per opening.
        if (windows.length > 0)
          process.stderr.write(
            `sre render alertmanager: warning: maintenance windows (${windows.map((w) => w.name).join(', ')}) ` +
              'are applied by the sre-kit alert router only, not written to the Alertmanager config ' +
              '(add an amtool silence for an opening if Alertmanager must mute it)\n',
          );
        const text = renderAlertmanagerConfig(specs.routings[0], {
          secretsDir: opts.secretsDir,
          smtpSmarthost: opts.smtpSmarthost,
          smtpFrom: opts.smtpFrom,
        });
        if (opts.out === undefined) {
          process.stdout.write(text);
          return;
        }
        await mkdir(dirname(opts.out), { recursive: true });
        await writeFile(opts.out, text);
        process.stderr.write(`${opts.out}: AlertRouting ${specs.routings[0].name}\n`);
      },
    );
}
