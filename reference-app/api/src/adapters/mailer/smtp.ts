import nodemailer, { type Transporter } from 'nodemailer';
import type { Mailer, OutgoingEmail } from '../../domain/ports';
import { toNodemailer } from './mime';

/** SMTP through nodemailer, when SMTP_URL is set (smtp://user:pass@host:587 or smtps://...). */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    url: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(url);
  }

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const info = (await this.transport.sendMail(toNodemailer(email, this.from))) as { messageId: string };
    return { messageId: info.messageId };
  }

  close(): void {
    this.transport.close();
  }
}
