import { App } from 'aws-cdk-lib';
import { buildGoodGreets } from './app';
import { EXAMPLE_CONTEXT } from './config';

// `cdk synth`/`cdk deploy` pass CDK_OUTDIR; `npm run synth` writes ./cdk.out like they would.
// `--example-context` (npm run synth) fills in placeholder certificates so the secure app
// synthesizes offline; `cdk deploy` runs without it and needs the real ones.
const app = new App({
  outdir: process.env.CDK_OUTDIR ?? 'cdk.out',
  context: process.argv.includes('--example-context') ? { ...EXAMPLE_CONTEXT } : undefined,
});
buildGoodGreets(app);
app.synth();
