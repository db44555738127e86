import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { alarmsMarkdown, alarmRows } from './alarms-doc';
import { buildGoodGreets } from './app';
import { EXAMPLE_CONTEXT } from './config';
import { REPO_ROOT } from './stacks/api';
import { routeLookup } from './routes';

/** `npm run docs:alarms`: synthesize the app and write alarms/ALARMS.md from its templates. */
export function renderAlarmsDoc(): string {
  // The alarms do not depend on the certificates: the placeholders let it synthesize offline.
  const app = new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gg-alarms-doc-')),
    context: { ...EXAMPLE_CONTEXT },
  });
  const stacks = buildGoodGreets(app);
  const assembly = app.synth();
  const templates = Object.fromEntries(assembly.stacksRecursively.map((s) => [s.stackName, s.template]));
  const cost = stacks.observability.kit.costReport();
  return alarmsMarkdown(alarmRows(templates, routeLookup()), cost);
}

export const ALARMS_DOC = path.join(REPO_ROOT, 'alarms', 'ALARMS.md');

if (require.main === module) {
  fs.writeFileSync(ALARMS_DOC, renderAlarmsDoc());
  process.stdout.write(`wrote ${path.relative(process.cwd(), ALARMS_DOC)}\n`);
}
