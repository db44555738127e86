import { Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

export interface DataStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
}

/** MySQL 8 on RDS, Multi-AZ, KMS-encrypted, reached only through RDS Proxy with TLS. */
export class DataStack extends Stack {
  readonly database: rds.DatabaseInstance;
  readonly proxy: rds.DatabaseProxy;
  readonly key: kms.Key;
  readonly proxySecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, props);
    this.key = new kms.Key(this, 'DataKey', { enableKeyRotation: true, description: 'GoodGreets database encryption' });
    const dbSecurityGroup = new ec2.SecurityGroup(this, 'DbSecurityGroup', {
      vpc: props.vpc,
      description: 'GoodGreets database: only the proxy connects',
      allowAllOutbound: false,
    });
    const proxySecurityGroup = new ec2.SecurityGroup(this, 'ProxySecurityGroup', {
      vpc: props.vpc,
      description: 'GoodGreets RDS Proxy; clients are admitted by allowDatabaseFrom() in their own stacks',
    });
    this.proxySecurityGroup = proxySecurityGroup;
    dbSecurityGroup.addIngressRule(proxySecurityGroup, ec2.Port.tcp(3306), 'RDS Proxy');
    // The rotation function talks to the instance itself (the proxy would keep serving the old password).
    const rotationSecurityGroup = new ec2.SecurityGroup(this, 'RotationSecurityGroup', {
      vpc: props.vpc,
      description: 'GoodGreets database secret rotation function',
    });
    dbSecurityGroup.addIngressRule(rotationSecurityGroup, ec2.Port.tcp(3306), 'secret rotation');

    this.database = new rds.DatabaseInstance(this, 'Database', {
      engine: rds.DatabaseInstanceEngine.mysql({ version: rds.MysqlEngineVersion.VER_8_0_45 }),
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM),
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSecurityGroup],
      multiAz: true,
      storageEncrypted: true,
      storageEncryptionKey: this.key,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      databaseName: 'goodgreets',
      // The secret uses the account's aws/secretsmanager key: a customer key here would put every reader's role into
      // this stack's key policy and make the data stack depend on the stacks that read it (a cycle).
      credentials: rds.Credentials.fromGeneratedSecret('goodgreets'),
      backupRetention: Duration.days(7),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      iamAuthentication: true,
      monitoringInterval: Duration.seconds(60),
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: this.key,
      cloudwatchLogsExports: ['error', 'slowquery'],
      autoMinorVersionUpgrade: true,
    });
    this.database.secret!.addRotationSchedule('Rotation', {
      hostedRotation: secretsmanager.HostedRotation.mysqlSingleUser({
        vpc: props.vpc,
        vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
        securityGroups: [rotationSecurityGroup],
      }),
      automaticallyAfter: Duration.days(30),
    });
    this.proxy = this.database.addProxy('Proxy', {
      secrets: [this.database.secret!],
      vpc: props.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [proxySecurityGroup],
      requireTLS: true,
      iamAuth: false,
      debugLogging: false,
    });
  }
}

/**
 * Admits `client` to the database proxy with an ingress rule that lives in the client's stack, so
 * the data stack never refers to its consumers (which would make the stacks depend on each other).
 */
export function allowDatabaseFrom(
  scope: Construct,
  proxySecurityGroup: ec2.ISecurityGroup,
  client: ec2.ISecurityGroup,
): void {
  new ec2.CfnSecurityGroupIngress(scope, 'DatabaseIngress', {
    groupId: proxySecurityGroup.securityGroupId,
    sourceSecurityGroupId: client.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: 3306,
    toPort: 3306,
    description: `database clients: ${scope.node.path}`,
  });
}
