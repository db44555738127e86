import type { Context } from '../context';
import type { ProblemOutcome } from '../delivery/service';
import type { DeliveryProblem } from '../domain/types';
import { lambdaContext } from './context';

/** The parts of an SNS record this consumer reads (aws-lambda's SNSEvent, without the dependency). */
export interface SnsRecord {
  Sns?: { MessageId?: string; Message?: string };
}
export interface SnsEvent {
  Records?: SnsRecord[];
}

/** What one SES event means for the card that sent the email. */
export type EmailEvent =
  | { action: 'record'; messageId: string; problem: DeliveryProblem }
  /** A transient (soft) bounce: SES keeps retrying, the email may still arrive. */
  | { action: 'ignore'; messageId: string; reason: string };

export interface EmailEventsResult {
  recorded: number;
  unchanged: number;
  ignored: number;
}

const MESSAGE_ID = /^[A-Za-z0-9._@<>+=-]{1,200}$/;

/**
 * Reads one SES event as the configuration set's SNS destination publishes it (`eventType`; the
 * older identity notifications say `notificationType`, read the same way): Bounce, Complaint or
 * Reject, with the sent email's `mail.messageId`. Anything else is an Error naming what is wrong,
 * never the content (it holds recipients' addresses).
 */
export function parseEmailEvent(message: string | undefined, now: number): EmailEvent | Error {
  let body: unknown;
  try {
    body = JSON.parse(message ?? '');
  } catch {
    return new Error('SNS message is not JSON');
  }
  if (!isObject(body)) return new Error('SNS message is not a JSON object');
  const type = body.eventType ?? body.notificationType;
  const mail = isObject(body.mail) ? body.mail : {};
  const messageId = mail.messageId;
  if (typeof messageId !== 'string' || !MESSAGE_ID.test(messageId))
    return new Error(`SES ${typeof type === 'string' ? type : 'event'} without a valid mail.messageId`);
  const at = (v: unknown) => {
    const t = typeof v === 'string' ? Date.parse(v) : NaN;
    return Number.isFinite(t) ? t : now;
  };

  if (type === 'Bounce' && isObject(body.bounce)) {
    const { bounceType, bounceSubType, bouncedRecipients } = body.bounce;
    const kind = [bounceType, bounceSubType].filter((v) => typeof v === 'string').join('/') || 'unspecified';
    if (bounceType === 'Transient') return { action: 'ignore', messageId, reason: `transient bounce ${kind}` };
    const first: unknown = Array.isArray(bouncedRecipients) ? bouncedRecipients[0] : undefined;
    const diagnostic = isObject(first) ? (first.diagnosticCode ?? first.status) : undefined;
    const detail = typeof diagnostic === 'string' ? `${kind}: ${diagnostic}` : kind;
    // Permanent and Undetermined alike: SES does not retry either, the email did not arrive.
    return { action: 'record', messageId, problem: { kind: 'bounced', detail, at: at(body.bounce.timestamp) } };
  }
  if (type === 'Complaint' && isObject(body.complaint)) {
    const feedback = body.complaint.complaintFeedbackType;
    const detail = `marked as spam (${typeof feedback === 'string' ? feedback : 'no feedback type'})`;
    return { action: 'record', messageId, problem: { kind: 'complained', detail, at: at(body.complaint.timestamp) } };
  }
  if (type === 'Reject' && isObject(body.reject)) {
    const reason = typeof body.reject.reason === 'string' ? body.reject.reason : 'no reason given';
    return { action: 'record', messageId, problem: { kind: 'rejected', detail: reason, at: at(mail.timestamp) } };
  }
  return new Error(`unexpected SES event ${typeof type === 'string' ? type.slice(0, 40) : 'without a type'}`);
}

/**
 * Consumer of the EmailEvents topic (SES bounces, complaints and rejections of the card emails):
 * records the problem on the card whose email it was, so its owner sees it. Idempotent: the first
 * report for an email wins, a redelivered SNS message changes nothing.
 *
 * SNS invokes a Lambda asynchronously with one record and has no partial-batch response, so an
 * event it cannot handle (unreadable, or no card sent that email) makes the invocation throw:
 * Lambda retries it twice, which covers a bounce that raced the delivery's own database write, then
 * its failure destination keeps the whole record in the alarmed EmailEventDeadLetters queue for an
 * operator. Nothing is dropped: a transient bounce (SES is still trying) is the one event that
 * changes nothing, and it is logged.
 */
export function createEmailEventsHandler(
  getContext: () =>
    Pick<Context, 'delivery' | 'logger' | 'clock'> | Promise<Pick<Context, 'delivery' | 'logger' | 'clock'>>,
) {
  return async (event: SnsEvent): Promise<EmailEventsResult> => {
    const ctx = await getContext();
    const result: EmailEventsResult = { recorded: 0, unchanged: 0, ignored: 0 };
    const failures: string[] = [];
    for (const record of event?.Records ?? []) {
      const snsMessageId = record?.Sns?.MessageId ?? 'unknown';
      const parsed = parseEmailEvent(record?.Sns?.Message, ctx.clock.now());
      if (parsed instanceof Error) {
        ctx.logger.error({ snsMessageId, err: parsed.message }, 'unreadable SES event, kept for the dead-letter queue');
        failures.push(`${snsMessageId}: ${parsed.message}`);
        continue;
      }
      const { messageId } = parsed;
      if (parsed.action === 'ignore') {
        ctx.logger.info({ snsMessageId, messageId, reason: parsed.reason }, 'SES event ignored: SES is still trying');
        result.ignored++;
        continue;
      }
      let outcome: ProblemOutcome;
      try {
        outcome = await ctx.delivery.recordProblem(messageId, parsed.problem);
      } catch (err) {
        ctx.logger.error({ snsMessageId, messageId, err: (err as Error).message }, 'could not record the SES event');
        failures.push(`${snsMessageId}: could not record (database), see the function's log`);
        continue;
      }
      if (outcome === 'unknown') {
        ctx.logger.warn(
          { snsMessageId, messageId, kind: parsed.problem.kind },
          'SES event for an email no card sent, will retry',
        );
        failures.push(`${snsMessageId}: no card sent SES message ${messageId}`);
        continue;
      }
      ctx.logger.info(
        { snsMessageId, messageId, kind: parsed.problem.kind, outcome },
        outcome === 'recorded' ? 'delivery problem recorded' : 'delivery problem already recorded, unchanged',
      );
      result[outcome]++;
    }
    if (failures.length) throw new Error(`SES events not handled: ${failures.join('; ')}`);
    return result;
  };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export const handler = createEmailEventsHandler(() => lambdaContext());
