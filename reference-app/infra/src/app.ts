import { App, Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readConfig } from './config';
import { acknowledgeFindings } from './nag';
import { ApiStack } from './stacks/api';
import { DataStack } from './stacks/data';
import { EdgeStack } from './stacks/edge';
import { NetworkStack } from './stacks/network';
import { ObservabilityStack } from './stacks/observability';
import { StorageStack } from './stacks/storage';
import { WorkersStack } from './stacks/workers';

export interface GoodGreetsStacks {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly storage: StorageStack;
  readonly workers: WorkersStack;
  readonly api: ApiStack;
  readonly edge: EdgeStack;
  readonly observability: ObservabilityStack;
}

/**
 * Builds every GoodGreets stack into `app`. All stacks share one region: the CloudFront-scope
 * web ACL must live in us-east-1, and one region keeps cross-stack references plain exports.
 * The account stays unresolved unless CDK_DEFAULT_ACCOUNT is set, so synth needs no credentials.
 */
export function buildGoodGreets(app: App): GoodGreetsStacks {
  const config = readConfig(app.node);
  const env: Environment = { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' };
  const name = (part: string) => `GoodGreets-${part}`;

  const network = new NetworkStack(app, name('Network'), { env });
  const data = new DataStack(app, name('Data'), { env, vpc: network.vpc });
  const storage = new StorageStack(app, name('Storage'), { env });
  const common = {
    env,
    config,
    vpc: network.vpc,
    proxy: data.proxy,
    databaseSecret: data.database.secret!,
    proxySecurityGroup: data.proxySecurityGroup,
    images: storage.images,
  };
  const workers = new WorkersStack(app, name('Workers'), common);
  const api = new ApiStack(app, name('Api'), {
    ...common,
    logBucket: storage.logs,
    delivery: {
      scheduleGroupName: workers.scheduleGroup.name!,
      targetFunctionArn: workers.deliveryFunction.functionArn,
      schedulerRoleArn: workers.schedulerRole.roleArn,
      deadLetterQueueArn: workers.deliveryDeadLetters.queueArn,
      mail: workers.mail,
    },
  });
  const edge = new EdgeStack(app, name('Edge'), {
    env,
    website: storage.website,
    images: storage.images,
    logBucket: storage.logs,
    loadBalancer: api.loadBalancer,
    originSecret: api.originSecret,
    captchaProofSecret: api.captchaProofSecret,
    siteDomain: config.siteDomain,
    tls:
      config.insecureDevelopment || !config.siteCertificateArn || !config.albDomain
        ? undefined
        : { siteCertificateArn: config.siteCertificateArn, albDomain: config.albDomain },
  });

  const observability = new ObservabilityStack(app, name('Observability'), {
    env,
    config,
    network,
    data,
    storage,
    workers,
    api,
    edge,
  });

  Tags.of(app).add('app', config.appName);
  const stacks = { network, data, storage, workers, api, edge, observability };
  for (const stack of Object.values(stacks)) acknowledgeFindings(stack, config);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return stacks;
}
