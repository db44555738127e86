import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { AlertRouting } from '@sre-kit/core';
import type { IConstruct } from 'constructs';

/**
 * Read access to exactly the Slack secrets (webhook URLs, bot tokens) the routing names.
 */
export function webhookSecretStatements(scope: IConstruct, routing: AlertRouting): iam.PolicyStatement[] {
  // One secret per target: a webhook URL or a bot token. URLs and tokens never get here: the spec
  // parser refuses them in place of a secret's name.
  const refs = routing.receivers.flatMap((r) => r.slack.map((slack) => slack.webhookSecret ?? slack.botTokenSecret));
  return secretReadStatements(
    scope,
    refs.filter((ref): ref is string => ref !== undefined),
  );
}

/**
 * Read access to exactly these secret references, in the syntax the router's SecretResolver reads:
 * Secrets Manager names (`name`, matched with the 6-character suffix AWS appends), full secret
 * ARNs, and SSM parameters (`ssm:/path`). Shared by the alert router and the scheduled review.
 */
export function secretReadStatements(scope: IConstruct, refs: readonly string[]): iam.PolicyStatement[] {
  const stack = Stack.of(scope);
  const secrets = new Set<string>();
  const parameters = new Set<string>();
  for (const ref of refs) {
    if (ref.startsWith('ssm:')) {
      const name = ref.slice(4);
      parameters.add(
        stack.formatArn({
          service: 'ssm',
          resource: 'parameter',
          resourceName: name.replace(/^\//, ''),
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      );
    } else if (ref.startsWith('arn:')) {
      secrets.add(ref);
    } else {
      secrets.add(
        stack.formatArn({
          service: 'secretsmanager',
          resource: 'secret',
          resourceName: `${ref}-??????`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      );
    }
  }
  const statements: iam.PolicyStatement[] = [];
  if (secrets.size > 0) {
    statements.push(
      new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [...secrets].sort() }),
    );
  }
  if (parameters.size > 0) {
    statements.push(new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [...parameters].sort() }));
  }
  return statements;
}

/** address -> receiver names, for one subscription per address with a filter policy. */
export function emailAddresses(routing: AlertRouting): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const r of routing.receivers) {
    for (const address of r.email.filter((e) => !e.startsWith('arn:')))
      out.set(address, [...(out.get(address) ?? []), r.name]);
  }
  return out;
}
