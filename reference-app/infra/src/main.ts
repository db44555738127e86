import { App } from 'aws-cdk-lib';
import { buildGoodGreets } from './app';

const app = new App();
buildGoodGreets(app);
app.synth();
