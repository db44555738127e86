import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerAlerts } from './commands/alerts';
import { registerSlackStandin } from './commands/slack-standin';
import { registerCost } from './commands/cost';
import { registerExplain } from './commands/explain';
import { registerValidate } from './commands/validate';
import { registerRender } from './commands/render';
import { registerRenderPrometheus } from './commands/render-prometheus';
import { registerRenderAlertmanager } from './commands/render-alertmanager';
import { registerReview } from './commands/review';
import { registerGate } from './commands/gate';
import { registerBacktest } from './commands/backtest';
import { registerSimulate } from './commands/simulate';
import { registerAudit } from './commands/audit';
import { registerLoop } from './commands/loop';
import { registerVerify } from './commands/verify';

// src/ and dist/ both sit one level below the package root, so this works from tests and the built bin.
const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };

/** The `sre` program; each subcommand registers itself here. Exported for tests that run it in-process. */
export function buildProgram(): Command {
  const program = new Command('sre')
    .description('sre-kit: SLOs, alarms, dashboards and alert routing as code for AWS')
    .version(version)
    .showHelpAfterError()
    .exitOverride();
  registerValidate(program);
  registerExplain(program);
  registerCost(program);
  registerAlerts(program);
  registerSlackStandin(program);
  registerRender(program);
  registerRenderPrometheus(program);
  registerRenderAlertmanager(program);
  registerReview(program);
  registerGate(program);
  registerBacktest(program);
  registerSimulate(program);
  registerAudit(program);
  registerLoop(program);
  registerVerify(program);
  return program;
}
