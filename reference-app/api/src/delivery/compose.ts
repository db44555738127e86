import { escapeHtml } from '../domain/text';
import type { OutgoingEmail } from '../domain/ports';
import type { Card, Design, Message } from '../domain/types';

export interface Composition {
  card: Card;
  design: Design;
  messages: Message[];
  image: Buffer;
  viewUrl: string;
}

/**
 * The one email composition (HTML + text) every mailer sends: the card image, who it is from,
 * every message, and a link to the card online. All user text is escaped in the HTML part.
 */
export function composeCardEmail({ card, design, messages, image, viewUrl }: Composition): OutgoingEmail {
  const from = card.senderName;
  const subject = `${from} sent you a card: ${design.title}`;
  const plural = messages.length === 1 ? 'message' : 'messages';
  const text = [
    `Hello ${card.recipientName},`,
    '',
    `${from} sent you a ${design.category} card with ${messages.length} ${plural}.`,
    '',
    ...messages.flatMap((m) => [`${m.name}:`, ...m.message.split('\n').map((l) => `  ${l}`), '']),
    `See the card online: ${viewUrl}`,
    '',
    '-- GoodGreets',
  ].join('\n');

  const e = escapeHtml;
  const items = messages
    .map(
      (m) =>
        `<tr><td style="padding:12px 0;border-top:1px solid #eee"><strong>${e(m.name)}</strong><br>${e(m.message).replace(/\n/g, '<br>')}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(subject)}</title></head>
<body style="margin:0;background:#f6f4f0;font-family:Helvetica,Arial,sans-serif;color:#222">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center" style="padding:24px">
<table role="presentation" width="540" cellpadding="0" cellspacing="0" style="background:#fff;border-radius:8px;padding:20px">
<tr><td><p style="font-size:18px">Hello ${e(card.recipientName)},</p>
<p><strong>${e(from)}</strong> sent you a ${e(design.category)} card with ${messages.length} ${plural}.</p></td></tr>
<tr><td align="center"><img src="cid:card-image" width="500" height="700" alt="${e(design.title)}" style="display:block;max-width:100%;height:auto;border-radius:4px"></td></tr>
<tr><td><table role="presentation" width="100%" cellpadding="0" cellspacing="0">${items}</table></td></tr>
<tr><td align="center" style="padding-top:16px"><a href="${e(viewUrl)}" style="background:#c2410c;color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">See the card online</a></td></tr>
</table></td></tr></table></body></html>`;

  return {
    to: { name: card.recipientName, address: card.recipientEmail },
    replyTo: { name: card.senderName, address: card.senderEmail },
    subject,
    text,
    html,
    attachments: [{ filename: 'card.jpg', contentType: 'image/jpeg', content: image, cid: 'card-image' }],
    // Per send time, not per card: a bounced card sent again to a corrected address is a new email
    // (the outbox must write it, and its Message-ID must differ), while retries of one delivery share it.
    idempotencyKey: `card-${card.id}-${card.sendAtUtc}`,
  };
}
