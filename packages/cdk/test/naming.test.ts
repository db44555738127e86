import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SreKit } from '../src/sre-kit';
import { tagsOf } from './helpers';

const US = { account: '123456789012', region: 'us-east-1' };

/** A stack with one function, monitored by a kit with an SLO and dashboards. */
function shop(app: App, id: string, options: { stage?: string; env?: typeof US } = {}): Stack {
  const stack = new Stack(app, id, { env: options.env ?? US });
  const fn = new lambda.Function(stack, 'Api', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  const kit = new SreKit(stack, 'Sre', {
    service: 'shop',
    stage: options.stage,
    emails: [{ address: 'ops@example.com' }],
    dashboards: true,
  });
  kit.monitorLambda('api', fn);
  kit.addSlo({ sloName: 'api', objective: 0.999, badMetric: fn.metricErrors(), totalMetric: fn.metricInvocations() });
  return stack;
}

const alarmNames = (stack: Stack) =>
  ['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::CompositeAlarm'].flatMap((type) =>
    Object.values(Template.fromStack(stack).findResources(type)).map((r) => r.Properties.AlarmName as string),
  );
const dashboardNames = (stack: Stack) =>
  Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard')).map(
    (r) => r.Properties.DashboardName as string,
  );

describe('the stage in names', () => {
  it('prefixes every alarm and dashboard name, and the names the alarm metadata carries', () => {
    const stack = shop(new App(), 'Prod', { stage: 'prod' });
    const names = alarmNames(stack);
    expect(names.length).toBeGreaterThan(10);
    expect(names.filter((n) => !n.startsWith('prod-shop-'))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['prod-shop-api-lambda.errors', 'prod-shop-api-page-1h']));
    expect(dashboardNames(stack).sort()).toEqual(['prod-shop-developer', 'prod-shop-management', 'prod-shop-slo']);
    const page = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::CompositeAlarm')).find(
      (r) => r.Properties.AlarmName === 'prod-shop-api-page-1h',
    )!;
    // The router reads the long-window alarm and the dashboard by these names.
    expect(page.Properties.AlarmDescription).toContain('"longAlarm":"prod-shop-api-page-1h-long"');
    expect(page.Properties.AlarmDescription).toContain('"dashboard":"prod-shop-slo"');
    // The service stays the service: tags and metadata do not carry the stage.
    expect(tagsOf(page.Properties)['sre-kit:service']).toBe('shop');
  });

  it('takes the stage from the sre-kit:stage context when the prop is not set; the prop wins', () => {
    const app = new App({ context: { 'sre-kit:stage': 'dev' } });
    const fromContext = shop(app, 'FromContext');
    const fromProp = shop(app, 'FromProp', { stage: 'qa', env: { ...US, region: 'eu-west-1' } });
    expect(alarmNames(fromContext)).toContain('dev-shop-api-lambda.errors');
    expect(alarmNames(fromProp)).toContain('qa-shop-api-lambda.errors');
  });

  it('leaves names as they were without a stage', () => {
    expect(alarmNames(shop(new App(), 'NoStage'))).toContain('shop-api-lambda.errors');
  });

  it('refuses a stage that cannot be part of a dashboard name', () => {
    expect(() => shop(new App(), 'Bad', { stage: 'prod/eu' })).toThrow(/stage .* must be 1-32 letters, digits/);
  });
});

describe('name collisions within an app', () => {
  it('fail synth naming both constructs when two deployments in one account and region share a name', () => {
    const app = new App();
    shop(app, 'Blue');
    shop(app, 'Green');
    expect(() => app.synth()).toThrow(
      /alarm name "shop-api-lambda\.errors" is used by Blue\/Sre\/lambda-api\/\S+ and Green\/Sre\/lambda-api\/\S+ in the same account and region/,
    );
  });

  it('pass with a stage each', () => {
    const staged = new App();
    shop(staged, 'Blue', { stage: 'blue' });
    shop(staged, 'Green', { stage: 'green' });
    expect(() => staged.synth()).not.toThrow();
  });

  it('in two regions: alarm names may repeat, dashboard names (one set per account) may not', () => {
    const regions = new App();
    shop(regions, 'Us');
    shop(regions, 'Eu', { env: { ...US, region: 'eu-west-1' } });
    let message = '';
    try {
      regions.synth();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(
      /dashboard name "shop-developer" is used by Us\/Sre\/Dashboards\/shop-developer and Eu\/Sre\/Dashboards\/shop-developer in the same account/,
    );
    expect(message).not.toMatch(/alarm name/);
  });

  it('catch an alarm of the app that takes a name the kit uses', () => {
    const app = new App();
    const stack = shop(app, 'Shop');
    new cloudwatch.Alarm(stack, 'Mine', {
      alarmName: 'shop-api-page-1h-long',
      metric: new cloudwatch.Metric({ namespace: 'Shop', metricName: 'Orders' }),
      threshold: 1,
      evaluationPeriods: 1,
    });
    expect(() => app.synth()).toThrow(/alarm name "shop-api-page-1h-long" is used by Shop\/Sre\/\S+ and Shop\/Mine/);
  });
});
