import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import { assemblyFromTemplates, verifyAssembly } from '@sre-kit/core';
import { monitorOrders } from '../examples/custom-family';
import { alarmsByName, newStack, tagsOf } from './helpers';

// The README's extension example, synthesized as written.
const { stack } = newStack('Orders');
const kit = monitorOrders(stack);
const template = Template.fromStack(stack);
const alarms = alarmsByName(template);

test('the README shows the extension example verbatim', () => {
  const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
  const example = readFileSync(join(__dirname, '..', 'examples', 'custom-family.ts'), 'utf8');
  const block = /<!-- extension: examples\/custom-family\.ts -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  expect(block?.[1]).toBe(example);
});

test('the registered family, the queue and the SES account are alarmed, routed and priced like built-in families', () => {
  expect([...alarms.keys()].sort()).toEqual([
    'orders-failed-orders-sqs.dead-letter-messages-visible',
    'orders-mail-ses.bounce-rate',
    'orders-mail-ses.bounce-rate-review',
    'orders-mail-ses.complaint-rate',
    'orders-mail-ses.complaint-rate-review',
    'orders-orders-table-dynamodb.read-throttles',
  ]);
  const throttles = alarms.get('orders-orders-table-dynamodb.read-throttles')!.props;
  expect(throttles).toMatchObject({
    MetricName: 'ReadThrottleEvents',
    Threshold: 20,
    DatapointsToAlarm: 3,
    EvaluationPeriods: 5,
  });
  expect(tagsOf(throttles)['sre-kit:family']).toBe('dynamodb');
  for (const a of alarms.values()) expect(a.props.AlarmActions).toHaveLength(1);
  expect(kit.costReport().metricAlarms).toBe(6);
  expect(Annotations.fromStack(stack).findError('*', /./)).toEqual([]);
});

test('sre verify finds every alarm of the example fed, its precondition included', () => {
  const report = verifyAssembly(assemblyFromTemplates({ Orders: template.toJSON() }));
  expect(report.dead).toEqual([]);
  expect(report.alarms).toBe(6);
});
