import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingEmail } from '../../domain/ports';
import { buildMime } from './mime';

/**
 * SES v2 SendEmail with the raw MIME message: the same composition (HTML, text, inline card
 * image) as the local outbox, byte for byte. Raw keeps the image inline (cid:) which
 * Content.Simple attachments cannot reference.
 */
export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [email.to.address] },
        ReplyToAddresses: email.replyTo ? [email.replyTo.address] : undefined,
        Content: { Raw: { Data: await buildMime(email, this.from) } },
        ConfigurationSetName: this.configurationSet,
        EmailTags: [{ Name: 'delivery', Value: email.idempotencyKey.replace(/[^A-Za-z0-9_-]/g, '_') }],
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}
