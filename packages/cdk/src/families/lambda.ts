import { Annotations, Token } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { inputError } from '../errors';
import { FamilyAlarms } from './family-alarms';
import type { FamilyAlarmsOptions } from './options';

export interface LambdaFunctionAlarmsProps extends FamilyAlarmsOptions {
  /** The function (L2 or imported). One of `lambdaFunction` or `functionName`. @default - use functionName */
  readonly lambdaFunction?: lambda.IFunction;
  /** The function name, for functions outside this app. @default - from `lambdaFunction` */
  readonly functionName?: string;
}

/**
 * Catalogue family `lambda` (Errors, Throttles, Duration p90 against the
 * timeout, ConcurrentExecutions). The duration threshold derives from the
 * function's timeout when the construct defines it; for an imported function
 * pass `properties: { timeoutMs }` (synth fails naming it otherwise). A
 * function's reserved concurrency caps `concurrencyQuota`, the number the
 * concurrency threshold is a share of.
 */
export class LambdaFunctionAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: LambdaFunctionAlarmsProps) {
    const reserved = props.lambdaFunction ? reservedConcurrency(props.lambdaFunction) : undefined;
    const given = props.properties?.concurrencyQuota;
    const capped = reserved !== undefined && given !== undefined && given > reserved;
    super(
      scope,
      id,
      'lambda',
      capped ? { ...props, properties: { ...props.properties, concurrencyQuota: reserved } } : props,
    );
    if (capped)
      Annotations.of(this).addWarningV2(
        '@sre-kit/cdk:reserved-concurrency',
        `concurrencyQuota ${given} is above the function's reserved concurrency ${reserved}, which is its real cap: ` +
          `the concurrency alarm uses ${reserved}. Fix: drop concurrencyQuota for this function or set it to ${reserved}`,
      );
    if (!props.lambdaFunction === !props.functionName)
      inputError(
        this,
        'exactly one of lambdaFunction or functionName is required',
        { lambdaFunction: !!props.lambdaFunction, functionName: props.functionName },
        'pass the L2 function, or the name of a function outside this app',
      );
    const functionName = props.lambdaFunction?.functionName ?? props.functionName!;
    this._render(
      [{ dimensions: { FunctionName: functionName } }, { dimensions: {} }],
      props.lambdaFunction ? derivedProperties(props.lambdaFunction) : {},
    );
  }
}

function derivedProperties(fn: lambda.IFunction): Record<string, number> {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) return {};
  const out: Record<string, number> = {};
  // CloudFormation's default timeout is 3 s when the template leaves it out.
  const timeout = cfn.timeout ?? 3;
  if (!Token.isUnresolved(timeout)) out.timeoutMs = timeout * 1000;
  const reserved = reservedConcurrency(fn);
  // The function can never run more copies than it reserves, whatever the account quota.
  if (reserved !== undefined) out.concurrencyQuota = reserved;
  return out;
}

function reservedConcurrency(fn: lambda.IFunction): number | undefined {
  const cfn = fn.node.defaultChild;
  if (!(cfn instanceof lambda.CfnFunction)) return undefined;
  const reserved = cfn.reservedConcurrentExecutions;
  return reserved === undefined || Token.isUnresolved(reserved) ? undefined : reserved;
}
