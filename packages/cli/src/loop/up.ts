/**
 * The whole SRE loop on one machine: GoodGreets, Prometheus scraping it with the rules `sre render
 * prometheus` writes from the loop's SLO spec, Alertmanager with the tree `sre render alertmanager`
 * writes from alarms/, and the Slack stand-in both engines' Slack receivers post to.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import {
  loadSpecFiles,
  renderAlertmanagerConfig,
  renderPrometheusRules,
  secretFile,
  formatDiagnostic,
  type SpecSet,
} from '@sre-kit/core';
import { startSlackStandin, type SlackStandin } from '@sre-kit/alert-router';
import {
  ALERTMANAGER,
  PROMETHEUS,
  findEngine,
  freePort,
  startChild,
  stopChildren,
  waitReady,
  type Child,
} from './engines';

export interface LoopOptions {
  /** The repository root (holds reference-app/ and alarms/). */
  readonly root: string;
  /** Where every engine keeps its data and logs. */
  readonly dataDir: string;
  /** Scrape and rule evaluation interval, seconds. */
  readonly intervalSeconds?: number;
  /** Enable GoodGreets' drill fault switch (DRILL_FAULTS). */
  readonly faults?: boolean;
}

export interface Loop {
  readonly urls: { app: string; prometheus: string; alertmanager: string; slack: string };
  readonly specs: SpecSet;
  readonly intervalSeconds: number;
  readonly engines: { prometheus: string; alertmanager: string };
  readonly standin: SlackStandin;
  readonly dataDir: string;
  stop(): Promise<void>;
}

export const LOOP_SLO_SPEC = join('reference-app', 'loop', 'drill-slos.yaml');
export const LOOP_ROUTING = 'alarms';

async function validSpecs(paths: string[]): Promise<SpecSet> {
  const specs = await loadSpecFiles(paths);
  const errors = specs.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`invalid specs:\n${errors.map(formatDiagnostic).join('\n')}`);
  return specs;
}

/** `prometheus --version` -> `2.42.0+ds`. */
export function engineVersion(binary: string): string {
  const text = execFileSync(binary, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return /version (\S+)/.exec(text)?.[1] ?? 'unknown';
}

export async function startLoop(options: LoopOptions): Promise<Loop> {
  const prometheusBin = findEngine(PROMETHEUS, process.env.PROMETHEUS_BIN);
  const alertmanagerBin = findEngine(ALERTMANAGER, process.env.ALERTMANAGER_BIN);
  const interval = options.intervalSeconds ?? 5;
  const data = resolve(options.dataDir);
  const dirs = {
    app: join(data, 'app'),
    prometheus: join(data, 'prometheus'),
    rules: join(data, 'prometheus', 'rules'),
    alertmanager: join(data, 'alertmanager'),
    secrets: join(data, 'alertmanager', 'secrets'),
    logs: join(data, 'logs'),
  };
  for (const d of Object.values(dirs)) await mkdir(d, { recursive: true });
  const specs = await validSpecs([join(options.root, LOOP_SLO_SPEC), join(options.root, LOOP_ROUTING)]);
  const routing = specs.routings[0];
  if (!routing) throw new Error(`no AlertRouting spec in ${join(options.root, LOOP_ROUTING)}`);

  const children: Child[] = [];
  const standin = await startSlackStandin();
  const stop = async (): Promise<void> => {
    await stopChildren(children);
    await standin.close();
  };
  try {
    const [appPort, promPort, amPort] = [await freePort(), await freePort(), await freePort()];
    // Each Slack secret's "URL" is a path on the stand-in named after the secret, so posts show their channel's secret.
    for (const r of routing.receivers)
      for (const s of r.slack) {
        // The loop's Alertmanager only knows webhooks on the stand-in; bot-token targets are the router's.
        if (s.webhookSecret === undefined) continue;
        const file = secretFile(dirs.secrets, s.webhookSecret);
        await mkdir(resolve(file, '..'), { recursive: true });
        await writeFile(file, `${standin.url}/${s.webhookSecret}\n`, { mode: 0o600 });
      }
    const amConfig = join(dirs.alertmanager, 'alertmanager.yml');
    await writeFile(amConfig, renderAlertmanagerConfig(routing, { secretsDir: dirs.secrets }));
    const { files } = renderPrometheusRules(specs.slos);
    for (const f of files) await writeFile(join(dirs.rules, f.name), f.content);
    const promConfig = join(dirs.prometheus, 'prometheus.yml');
    await writeFile(
      promConfig,
      stringify({
        global: { scrape_interval: `${interval}s`, evaluation_interval: `${interval}s` },
        rule_files: [join(dirs.rules, '*.rules.yml')],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
        scrape_configs: [{ job_name: 'goodgreets', static_configs: [{ targets: [`127.0.0.1:${appPort}`] }] }],
      }),
    );

    const app = startChild(
      'GoodGreets',
      process.execPath,
      [join(options.root, 'reference-app', 'api', 'dist', 'main.js')],
      join(dirs.logs, 'goodgreets.log'),
      {
        ...process.env,
        PORT: String(appPort),
        HOST: '127.0.0.1',
        DATA_DIR: dirs.app,
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        DRILL_FAULTS: options.faults ? 'true' : 'false',
      },
    );
    children.push(app);
    const am = startChild(
      'Alertmanager',
      alertmanagerBin,
      [
        `--config.file=${amConfig}`,
        `--storage.path=${join(dirs.alertmanager, 'data')}`,
        `--web.listen-address=127.0.0.1:${amPort}`,
        // A single local instance: no gossip port to collide with other runs.
        '--cluster.listen-address=',
      ],
      join(dirs.logs, 'alertmanager.log'),
    );
    children.push(am);
    const prom = startChild(
      'Prometheus',
      prometheusBin,
      [
        `--config.file=${promConfig}`,
        `--storage.tsdb.path=${join(dirs.prometheus, 'data')}`,
        `--web.listen-address=127.0.0.1:${promPort}`,
      ],
      join(dirs.logs, 'prometheus.log'),
    );
    children.push(prom);
    const urls = {
      app: `http://127.0.0.1:${appPort}`,
      prometheus: `http://127.0.0.1:${promPort}`,
      alertmanager: `http://127.0.0.1:${amPort}`,
      slack: standin.url,
    };
    await Promise.all([
      waitReady(app, `${urls.app}/healthz`),
      waitReady(am, `${urls.alertmanager}/-/ready`),
      waitReady(prom, `${urls.prometheus}/-/ready`),
    ]);
    return {
      urls,
      specs,
      intervalSeconds: interval,
      engines: { prometheus: engineVersion(prometheusBin), alertmanager: engineVersion(alertmanagerBin) },
      standin,
      dataDir: data,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
