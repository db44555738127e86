import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildGoodGreets, GoodGreetsStacks } from '../src/app';
import { EXAMPLE_CONTEXT } from '../src/config';

export interface Synthesized {
  readonly app: App;
  readonly stacks: GoodGreetsStacks;
  readonly templates: Record<string, Template>;
  /** Raw template JSON per stack, as CloudFormation would receive it. */
  readonly json: Record<string, { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> }>;
}

let cached: Synthesized | undefined;

/** One synth of the whole app per test file: synthesizing CDK apps is the slow part of these tests. */
export function synthesize(): Synthesized {
  if (cached) return cached;
  // What `npm run synth` uses: the secure app with placeholder certificates.
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'gg-cdk-')), context: { ...EXAMPLE_CONTEXT } });
  const stacks = buildGoodGreets(app);
  const assembly = app.synth();
  const templates: Synthesized['templates'] = {};
  const json: Synthesized['json'] = {};
  for (const stack of assembly.stacks) {
    json[stack.stackName] = stack.template;
    templates[stack.stackName] = Template.fromJSON(stack.template);
  }
  cached = { app, stacks, templates, json };
  return cached;
}
