import { extname } from 'node:path';
import { readFile } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { SEVERITIES, type AlertRouting, type Severity } from '@sre-kit/core';
import type { Outcome } from '@sre-kit/alert-router';
import { parseTime } from '../review/time';
import { loadValidSpecs } from '../text/specs';

/** Version of the `--json` documents of `alerts replay` and `alerts preview`. */
export const ALERTS_JSON_VERSION = 1;

const REPLAY_HELP = `
Each event file is one Lambda invocation (an SNS batch, an EventBridge alarm state change, or a
scheduled tick), delivered exactly as the router Lambda would: same routing, rendering, retries,
idempotency. Groups still held at the end are flushed so nothing stays pending. Webhook URLs come from
Secrets Manager / SSM unless --slack-url sends every Slack webhook receiver to one URL. Bot-token
receivers (botTokenSecret) post to --slack-api-url (default https://slack.com/api) with the token from
--slack-token-file or $SLACK_BOT_TOKEN, else from their secret; --state keeps their threads between runs.

Text output: one line per file (counts), then one line per problem:
  file: alarm -> receiver/target: message
--at runs the router's clock from that time instead of now (it then advances as real time does): which
maintenance windows and mute intervals are open, when reminders and muted alarms fall due. With --state,
one replay per step shows a window at work: the firing at --at inside the window is muted, a tick file
replayed with --at after the window delivers the alarm if it is still firing.
Exit code: 0 when every event was delivered (or was a duplicate, muted, or not sent by configuration), 1 otherwise.

JSON output (--json), stable, version ${ALERTS_JSON_VERSION}:
  { "version": 1, "ok": boolean, "messagesSent": number,
    "files": [ { "file", "ok", "error"?, "outcomes": [ { "status", "eventId", "alarmName"?, "state"?,
                 "receiver"?, "target"?, "detail"? } ] } ],
    "flushed": [ outcome ] }
  status is one of delivered, duplicate, muted, pending, not-sent, reminded, failed, rejected.

Example:
  sre alerts replay packages/alert-router/test/fixtures/sns-metric-alarm.json \\
    --config alarms/routing.yaml --slack-url http://127.0.0.1:8080/hook --no-email
  sre alerts replay fire.json --config alarms/routing.yaml --at 2026-12-06T02:10:00Z --state s.json --slack-url ...
  sre alerts replay tick.json --config alarms/routing.yaml --at 2026-12-06T03:01:00Z --state s.json --slack-url ...
  SLACK_BOT_TOKEN=xoxb-local sre alerts replay fire.json --config routing.yaml \\
    --slack-api-url http://127.0.0.1:8089/api --state state.json --no-email`;

const PREVIEW_HELP = `
Prints the Slack payload ({"text", "blocks"}) the router would post for each alarm in the file, as JSON,
one document per line with --json or pretty-printed otherwise; --email prints the email instead.
The event is classified exactly as the Lambda does (the alarm-metadata line of its description), without
AWS calls: no tag lookup, and the SLO budget left says "not available". With --config, stderr names the
receivers the routing picks: "file: <alarm> -> <receiver>[, <receiver>]".
Rejected payloads print "file: rejected <payload id>: <reason>" and exit 1.`;

const DRILL_HELP = `
Publishes a synthetic CloudWatch-shaped alarm notification (name sre-kit-drill-<severity>-<id>,
metadata drill=true, SNS attribute sre-kit-drill) to a severity topic. The router routes it like any
alarm of that severity and labels it DRILL, so a team proves Slack and email paging end to end.
Uses the default AWS credentials; the region comes from the topic ARN.`;

function severity(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`expected one of ${SEVERITIES.join(', ')}`);
  }
  return value as Severity;
}

function clockStart(value: string): number {
  const t = parseTime(value, Math.floor(Date.now() / 1000));
  if (t === undefined) throw new InvalidArgumentError('expected ISO 8601, epoch seconds, now or now-<duration>');
  return t;
}

function topicArn(value: string): string {
  if (/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+$/.test(value)) return value;
  throw new InvalidArgumentError('expected an SNS topic ARN like arn:aws:sns:eu-west-1:123456789012:alerts-critical');
}

export function url(value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // fall through to the argument error
  }
  throw new InvalidArgumentError('expected an http(s) URL');
}

// Loaded on use: the router pulls in the AWS SDK clients, which other sre commands should not pay for.
const router = () => import('@sre-kit/alert-router');

export async function loadRouting(config: string, name: string | undefined, cmd: Command): Promise<AlertRouting> {
  // routing.json is what the AlertRouter construct bundles; YAML goes through the spec loader and its checks.
  if (extname(config).toLowerCase() === '.json') {
    try {
      return (await router()).loadRoutingFile(config);
    } catch (err) {
      process.stderr.write(`${config}:1:1: (file): ${(err as Error).message}\n`);
      throw new CommanderError(1, 'sre.invalidConfig', 'invalid routing');
    }
  }
  const specs = await loadValidSpecs([config], cmd);
  const routing = name ? specs.routings.find((r) => r.name === name) : specs.routings[0];
  if (!routing) {
    const found = specs.routings.map((r) => r.name).join(', ') || 'none';
    process.stderr.write(`${config}:1:1: (file): no AlertRouting${name ? ` named ${name}` : ''} (found: ${found})\n`);
    throw new CommanderError(1, 'sre.invalidConfig', 'no routing');
  }
  return routing;
}

function problemLine(file: string, o: Outcome): string {
  const who = `${o.alarmName ?? o.eventId} -> ${o.receiver ?? '-'}/${o.target ?? '-'}`;
  return `${file}: ${o.status === 'rejected' ? `rejected ${o.eventId}` : who}: ${o.detail ?? o.status}`;
}

function counts(outcomes: readonly Outcome[]): string {
  const c: Record<string, number> = {};
  for (const o of outcomes) c[o.status] = (c[o.status] ?? 0) + 1;
  return (
    Object.entries(c)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'nothing to do'
  );
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('Replay, preview and drill alarm notifications (@sre-kit/alert-router)');

  alerts
    .command('replay')
    .description('Deliver alarm event files exactly as the router Lambda would')
    .argument('<event.json...>', 'Lambda event files (SNS batch, EventBridge event, scheduled tick)')
    .requiredOption('--config <routing>', 'AlertRouting spec (YAML) or bundled routing.json')
    .option('--routing <name>', 'which AlertRouting when the config holds several')
    .option('--slack-url <url>', 'send every Slack webhook receiver to this URL instead of its secret', url)
    .option(
      '--slack-api-url <url>',
      'Slack Web API base for bot-token receivers (a stand-in: http://127.0.0.1:PORT/api)',
      url,
    )
    .option(
      '--slack-token-file <file>',
      'bot token for bot-token receivers (default: $SLACK_BOT_TOKEN, else their secret)',
    )
    .option('--state <file>', 'keep idempotency/group/repeat state in this JSON file between runs')
    .option('--at <time>', "start the router's clock here (ISO 8601, epoch seconds, now-1h): default now", clockStart)
    .option('--email-topic <arn>', 'SNS topic for receivers that list email addresses')
    .option('--no-email', 'skip email targets (no AWS credentials needed)')
    .option('--json', 'print a stable JSON document instead of text')
    .addHelpText('after', REPLAY_HELP)
    .action(
      async (
        files: string[],
        opts: {
          config: string;
          routing?: string;
          slackUrl?: string;
          slackApiUrl?: string;
          slackTokenFile?: string;
          state?: string;
          emailTopic?: string;
          email: boolean;
          json?: boolean;
          at?: number;
        },
        cmd: Command,
      ) => {
        const routing = await loadRouting(opts.config, opts.routing, cmd);
        const startedAt = Date.now();
        const at = opts.at;
        const { FileStore, replayFiles, botTokenFromSecret } = await router();
        const token = opts.slackTokenFile
          ? await readFile(opts.slackTokenFile, 'utf8').catch((err: NodeJS.ErrnoException) => {
              throw new CommanderError(
                2,
                'sre.badToken',
                `--slack-token-file ${opts.slackTokenFile}: ${err.code ?? err.message}`,
              );
            })
          : process.env.SLACK_BOT_TOKEN;
        let slackBotToken: string | undefined;
        try {
          // Same shape check as a secret's (bare xoxb- token or JSON {"token"}); the value is never printed.
          slackBotToken = token ? botTokenFromSecret(opts.slackTokenFile ?? '$SLACK_BOT_TOKEN', token) : undefined;
        } catch (err) {
          throw new CommanderError(2, 'sre.badToken', (err as Error).message);
        }
        const result = await replayFiles(files, {
          routing,
          slackUrl: opts.slackUrl,
          slackApiUrl: opts.slackApiUrl,
          slackBotToken,
          store: opts.state ? new FileStore(opts.state) : undefined,
          noEmail: !opts.email,
          emailTopicArn: opts.emailTopic,
          ...(at !== undefined ? { now: () => at * 1000 + (Date.now() - startedAt) } : {}),
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ version: ALERTS_JSON_VERSION, ...result }, null, 2)}\n`);
        } else {
          for (const f of result.files) {
            process.stdout.write(`${f.file}: ${f.error ?? counts(f.outcomes)}\n`);
            for (const o of f.outcomes.filter((x) => x.status === 'failed' || x.status === 'rejected')) {
              process.stdout.write(`${problemLine(f.file, o)}\n`);
            }
          }
          if (result.flushed.length > 0) process.stdout.write(`(held groups flushed): ${counts(result.flushed)}\n`);
          for (const o of result.flushed.filter((x) => x.status === 'failed'))
            process.stdout.write(`${problemLine('(flush)', o)}\n`);
          process.stdout.write(`${result.ok ? 'ok' : 'FAILED'}: ${result.messagesSent} message(s) sent\n`);
        }
        if (!result.ok) throw new CommanderError(1, 'sre.deliveryFailed', 'delivery failed');
      },
    );

  alerts
    .command('preview')
    .description('Print the Slack payload (or email) the router would send for an event file')
    .argument('<event.json>', 'Lambda event file')
    .option('--email', 'print the plain-text email instead')
    .option('--json', 'one compact JSON document per alarm')
    .option('--config <routing>', 'AlertRouting spec (YAML) or routing.json: also name the receivers on stderr')
    .option('--routing <name>', 'which AlertRouting when the config holds several')
    .addHelpText('after', PREVIEW_HELP)
    .action(
      async (
        file: string,
        opts: { email?: boolean; json?: boolean; config?: string; routing?: string },
        cmd: Command,
      ) => {
        let payload: unknown;
        try {
          payload = JSON.parse(await readFile(file, 'utf8'));
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          process.stderr.write(
            `${file}:1:1: (file): ${code ? `cannot read: ${code}` : `not JSON: ${(err as Error).message}`}\n`,
          );
          throw new CommanderError(1, 'sre.badEvent', 'bad event file');
        }
        const { readInbound, renderEmail, renderSlack, RouteTree } = await router();
        const tree = opts.config ? new RouteTree(await loadRouting(opts.config, opts.routing, cmd)) : undefined;
        // The router's own classification path (no AWS lookups here: the budget says it is not available).
        const inbound = await readInbound(payload);
        for (const event of inbound.events) {
          if (tree) {
            const receivers = tree.match(event, new Date()).map((m) => m.receiver.name);
            process.stderr.write(`${file}: ${event.alarmName} -> ${receivers.join(', ') || '(none)'}\n`);
          }
          if (opts.email) {
            const mail = renderEmail([event]);
            process.stdout.write(
              opts.json ? `${JSON.stringify(mail)}\n` : `Subject: ${mail.subject}\n\n${mail.body}\n`,
            );
          } else {
            const message = renderSlack([event]);
            process.stdout.write(`${JSON.stringify(message, null, opts.json ? undefined : 2)}\n`);
          }
        }
        if (inbound.tick)
          process.stderr.write(`${file}: a scheduled tick sends reminders and held groups; nothing to preview\n`);
        for (const r of inbound.rejected)
          process.stderr.write(`${file}: rejected ${r.payloadId}: ${r.kind}: ${r.reason}\n`);
        if (inbound.rejected.length > 0) throw new CommanderError(1, 'sre.rejected', 'rejected payload');
      },
    );

  alerts
    .command('drill')
    .description('Publish a synthetic, clearly marked alarm notification to a severity topic')
    .requiredOption('--topic <arn>', 'severity topic ARN (arn:aws:sns:<region>:<account>:<name>)', topicArn)
    .option('--severity <severity>', `one of ${SEVERITIES.join(', ')}`, severity, 'critical' as Severity)
    .option('--service <name>', 'service label of the drill alarm', 'sre-kit-drill')
    .option('--json', 'print {"messageId", "drillId", "alarmName"}')
    .addHelpText('after', DRILL_HELP)
    .action(async (opts: { topic: string; severity: Severity; service: string; json?: boolean }) => {
      const { publishDrill } = await router();
      const out = await publishDrill({ topicArn: opts.topic, severity: opts.severity, service: opts.service });
      process.stdout.write(
        opts.json
          ? `${JSON.stringify(out)}\n`
          : `published drill ${out.alarmName} (drill id ${out.drillId}, SNS MessageId ${out.messageId}) to ${opts.topic}\n`,
      );
    });
}
