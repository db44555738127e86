import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import type { OutgoingEmail } from '../../domain/ports';

/** The nodemailer message every adapter sends (outbox, SMTP, SES raw): one MIME layout. */
export function toNodemailer(email: OutgoingEmail, from: string): Mail.Options {
  return {
    from,
    to: { name: email.to.name, address: email.to.address },
    replyTo: email.replyTo && { name: email.replyTo.name, address: email.replyTo.address },
    subject: email.subject,
    text: email.text,
    html: email.html,
    attachments: email.attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: a.content,
      cid: a.cid,
    })),
    headers: { 'X-GoodGreets-Delivery': email.idempotencyKey },
    messageId: `<${email.idempotencyKey}@goodgreets>`,
  };
}

/** Builds the raw RFC 5322 message. */
export function buildMime(email: OutgoingEmail, from: string): Promise<Buffer> {
  return new MailComposer(toNodemailer(email, from)).compile().build();
}
