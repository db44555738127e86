import { Token } from 'aws-cdk-lib';
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
 * function's timeout when the construct defines it.
 */
export class LambdaFunctionAlarms extends FamilyAlarms {
  constructor(scope: Construct, id: string, props: LambdaFunctionAlarmsProps) {
    super(scope, id, 'lambda', props);
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
  // CloudFormation's default timeout is 3 s when the template leaves it out.
  const timeout = cfn.timeout ?? 3;
  return Token.isUnresolved(timeout) ? {} : { timeoutMs: timeout * 1000 };
}
