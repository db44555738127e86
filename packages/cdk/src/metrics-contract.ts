import { CfnResource } from 'aws-cdk-lib';
import { PUBLISHED_METRICS_METADATA, publishedMetricsProblem, type PublishedMetrics } from '@sre-kit/core';
import type { IConstruct } from 'constructs';
import { inputError } from './errors';

/** One metric (or a family of metrics, by pattern) a resource publishes in a custom namespace. */
export interface PublishedMetricProps {
  /** The exact metric name. One of `name` or `pattern`. @default - use pattern */
  readonly name?: string;
  /** A regular expression the names match (an agent forwarding `^app_` families). @default - use name */
  readonly pattern?: string;
  /** The dimension-name sets it is published with; `[[]]` for none. */
  readonly dimensions: string[][];
  /** CloudWatch unit, for the record. @default - not recorded */
  readonly unit?: string;
}

/** The metrics a resource publishes in a custom namespace. */
export interface MetricsContractProps {
  readonly namespace: string;
  readonly metrics: PublishedMetricProps[];
}

/**
 * The contract between the code that publishes a custom namespace (EMF from a Lambda, an agent
 * beside a container) and the alarms that read it. Declared on the publishing resource, it travels
 * in the template as metadata (`SreKit::PublishedMetrics`), where `sre verify <cdk.out>` checks
 * every custom-namespace alarm against it.
 */
export class MetricsContract {
  /** Records on `resource` (an L1, or an L2 whose default child is one) that it publishes `contract`. */
  public static declare(resource: IConstruct, contract: MetricsContractProps): void {
    const cfn = resource instanceof CfnResource ? resource : resource.node.defaultChild;
    if (!(cfn instanceof CfnResource))
      inputError(
        resource,
        'cannot carry a metrics contract: it has no CloudFormation resource',
        resource.node.id,
        'declare it on the function, task definition or other L1/L2 that publishes the metrics',
      );
    const problem = publishedMetricsProblem(contract);
    if (problem)
      inputError(
        resource,
        `metrics contract ${problem.replace(/^\[0\]/, '')}`,
        contract,
        'write { namespace, metrics: [{ name | pattern, dimensions: [[...]] }] }',
      );
    const existing = (cfn.getMetadata(PUBLISHED_METRICS_METADATA) as PublishedMetrics[] | undefined) ?? [];
    cfn.addMetadata(PUBLISHED_METRICS_METADATA, [...existing, contract]);
  }

  private constructor() {}
}
