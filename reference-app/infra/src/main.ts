import { App } from 'aws-cdk-lib';
import { buildGoodGreets } from './app';

// `cdk synth`/`cdk deploy` pass CDK_OUTDIR; `npm run synth` writes ./cdk.out like they would.
const app = new App({ outdir: process.env.CDK_OUTDIR ?? 'cdk.out' });
buildGoodGreets(app);
app.synth();
