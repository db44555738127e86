import type { SnsEvent } from '../src/lambda/email-events';

/**
 * SES event publishing records (configuration set -> SNS destination), written from the documented
 * format: `eventType`, the event's own object (bounce, complaint, reject) and `mail` with the
 * SendEmail MessageId. Then wrapped as SNS hands a notification to a Lambda subscriber.
 */
const TOPIC_ARN = 'arn:aws:sns:us-east-1:123456789012:GoodGreets-Workers-EmailEvents1A2B3C4D-XyZ';

export function mail(messageId: string, to = 'ann@example.com') {
  return {
    timestamp: '2026-11-29T23:00:01.120Z',
    source: 'cards@mail.goodgreets.example',
    sourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/mail.goodgreets.example',
    sendingAccountId: '123456789012',
    messageId,
    destination: [to],
    headersTruncated: false,
    headers: [
      { name: 'From', value: 'cards@mail.goodgreets.example' },
      { name: 'To', value: `Ann <${to}>` },
      { name: 'Subject', value: 'Bob sent you a card' },
    ],
    commonHeaders: { from: ['cards@mail.goodgreets.example'], to: [`Ann <${to}>`], subject: 'Bob sent you a card' },
    tags: {
      'ses:configuration-set': ['GoodGreets-MailConfiguration'],
      'ses:source-ip': ['10.0.3.17'],
      'ses:from-domain': ['mail.goodgreets.example'],
      'ses:caller-identity': ['GoodGreets-Workers-DeliveryServiceRole'],
      delivery: ['card-c1-1796000000000'],
    },
  };
}

export function bounce(
  messageId: string,
  o: { type?: string; subType?: string; diagnosticCode?: string | undefined } = {},
): Record<string, unknown> {
  const recipient: Record<string, string> = { emailAddress: 'ann@example.com', action: 'failed', status: '5.1.1' };
  const diagnosticCode = 'diagnosticCode' in o ? o.diagnosticCode : 'smtp; 550 5.1.1 <ann@example.com>: user unknown';
  if (diagnosticCode !== undefined) recipient.diagnosticCode = diagnosticCode;
  return {
    eventType: 'Bounce',
    bounce: {
      feedbackId: '0100018c1b2c3d4e-5f6a7b8c-9d0e-4f1a-8b2c-3d4e5f6a7b8c-000000',
      bounceType: o.type ?? 'Permanent',
      bounceSubType: o.subType ?? 'General',
      bouncedRecipients: [recipient],
      timestamp: '2026-11-29T23:00:03.456Z',
      reportingMTA: 'dsn; a8-21.smtp-out.amazonses.com',
    },
    mail: mail(messageId),
  };
}

export function complaint(messageId: string): Record<string, unknown> {
  return {
    eventType: 'Complaint',
    complaint: {
      feedbackId: '0100018c1b2c3d4e-aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee-000000',
      complaintSubType: null,
      complainedRecipients: [{ emailAddress: 'ann@example.com' }],
      timestamp: '2026-11-30T08:15:00.000Z',
      userAgent: 'ExampleCorp Feedback Loop (V0.01)',
      complaintFeedbackType: 'abuse',
      arrivalDate: '2026-11-30T08:14:58.000Z',
    },
    mail: mail(messageId),
  };
}

export function reject(messageId: string): Record<string, unknown> {
  return { eventType: 'Reject', reject: { reason: 'Bad content' }, mail: mail(messageId) };
}

/** One SNS notification as a Lambda subscriber receives it (SNS sends one record per invocation). */
export function snsEvent(message: unknown, snsMessageId = 'a0b1c2d3-e4f5-5a6b-8c7d-9e0f1a2b3c4d'): SnsEvent {
  // The whole record as SNS sends it; the consumer reads only what SnsEvent names.
  const event = {
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: `${TOPIC_ARN}:5f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
        Sns: {
          Type: 'Notification',
          MessageId: snsMessageId,
          TopicArn: TOPIC_ARN,
          Subject: null,
          Message: typeof message === 'string' ? message : JSON.stringify(message),
          Timestamp: '2026-11-29T23:00:03.789Z',
          SignatureVersion: '1',
          Signature: 'EXAMPLEpH+..',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  };
  return event;
}
