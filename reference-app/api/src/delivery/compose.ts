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

/** The site's colours (web/src/styles/base.css), so the email looks like the place it links to. */
export const EMAIL_COLOURS = { brand: '#7c3aed', ink: '#1f1b2e', muted: '#6b6580', line: '#e6e1ef', bg: '#fbfaff' };

const e = escapeHtml;
const C = EMAIL_COLOURS;

/** A paragraph of user text: its own direction (an Arabic message reads right to left), line breaks kept. */
const userText = (v: string) => `<span dir="auto">${e(v).replace(/\n/g, '<br>')}</span>`;

const button = (href: string, label: string) =>
  `<a href="${e(href)}" style="display:inline-block;background:${C.brand};color:#ffffff;padding:12px 20px;border-radius:8px;text-decoration:none;font-weight:bold">${e(label)}</a>`;

/**
 * One layout for every email: a single fluid column at most 560 px wide (a phone gets its full
 * width instead of a fixed table that overflows it), images never wider than the column. Mail
 * clients drop <style> blocks and media queries unevenly, so everything is inline and fluid
 * by itself (`width:100%` with `max-width`), no breakpoint needed; long links and words wrap
 * (`overflow-wrap`) instead of widening the column.
 */
function layout(title: string, rows: string[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(title)}</title></head>
<body style="margin:0;padding:0;background:${C.bg};font-family:Helvetica,Arial,sans-serif;color:${C.ink};font-size:16px;line-height:1.5">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;background:${C.bg}"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;max-width:560px;background:#ffffff;border:1px solid ${C.line};border-radius:12px">
${rows.map((r) => `<tr><td style="padding:12px 20px;overflow-wrap:anywhere;word-break:break-word">${r}</td></tr>`).join('\n')}
<tr><td style="padding:12px 20px 20px;color:${C.muted};font-size:13px">GoodGreets</td></tr>
</table></td></tr></table></body></html>`;
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

  const items = messages
    .map(
      (m) =>
        `<p style="margin:0;padding:12px 0;border-top:1px solid ${C.line}"><strong dir="auto">${e(m.name)}</strong><br>${userText(m.message)}</p>`,
    )
    .join('');
  const html = layout(subject, [
    `<p style="font-size:18px;margin:8px 0 0">Hello <span dir="auto">${e(card.recipientName)}</span>,</p>
<p style="margin:8px 0 0"><strong dir="auto">${e(from)}</strong> sent you a ${e(design.category)} card with ${messages.length} ${plural}.</p>`,
    `<img src="cid:card-image" width="500" alt="${e(design.title)}" style="display:block;width:100%;max-width:500px;height:auto;margin:0 auto;border-radius:8px">`,
    items,
    `<p style="text-align:center;margin:8px 0">${button(viewUrl, 'See the card online')}</p>`,
  ]);

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

/** A plain notice to the card's creator: paragraphs and one link, in both parts. */
function ownerNotice(
  card: Card,
  o: { subject: string; paragraphs: string[]; link?: { label: string; url: string }; key: string },
): OutgoingEmail {
  const text = [
    `Hello ${card.senderName},`,
    '',
    ...o.paragraphs.flatMap((p) => [p, '']),
    ...(o.link ? [`${o.link.label}: ${o.link.url}`, ''] : []),
    '-- GoodGreets',
  ].join('\n');
  const html = layout(o.subject, [
    `<p style="font-size:18px;margin:8px 0 0">Hello <span dir="auto">${e(card.senderName)}</span>,</p>`,
    ...o.paragraphs.map((p) => `<p style="margin:0">${userText(p)}</p>`),
    ...(o.link
      ? [
          `<p style="text-align:center;margin:8px 0">${button(o.link.url, o.link.label)}</p>
<p style="margin:0;color:${C.muted};font-size:13px">${e(o.link.url)}</p>`,
        ]
      : []),
  ]);
  return {
    to: { name: card.senderName, address: card.senderEmail },
    subject: o.subject,
    text,
    html,
    attachments: [],
    idempotencyKey: o.key,
  };
}

/** The creator's copy of the private manage link, sent once when the card is created. */
export function composeOwnerLinkEmail(card: Card, links: { manageUrl: string; shareUrl: string }): OutgoingEmail {
  return ownerNotice(card, {
    subject: `Your card for ${card.recipientName}: keep this link`,
    paragraphs: [
      `You created a card for ${card.recipientName}. It will be sent on ${card.sendAtLocal.replace('T', ' at ').slice(0, -3)} (${card.timeZone} time).`,
      `Share this link so others can sign it: ${links.shareUrl}`,
      'The button below is your private link to see the messages, change the time or the recipient, remove a message or cancel the card. Keep this email: anyone with the link can manage the card.',
    ],
    link: { label: 'Manage your card', url: links.manageUrl },
    key: `owner-${card.id}`,
  });
}

/** Why an empty card did not go: postponed by a day (`postponedTo` set) or, the second time, cancelled. */
export function composeEmptyCardEmail(card: Card, o: { shareUrl: string; postponedTo?: Card }): OutgoingEmail {
  const next = o.postponedTo;
  return ownerNotice(card, {
    subject: next
      ? `Nobody has signed your card for ${card.recipientName} yet: moved to tomorrow`
      : `Your card for ${card.recipientName} was not sent: nobody signed it`,
    paragraphs: next
      ? [
          `Your card for ${card.recipientName} had no messages at its send time, so we did not send an empty card.`,
          `It will now be sent one day later, on ${next.sendAtLocal.replace('T', ' at ').slice(0, -3)} (${next.timeZone} time). If it is still empty then, it will be cancelled.`,
          'Share the link again, or use the manage link from the email we sent when you created the card to change the time or cancel it.',
        ]
      : [
          `Your card for ${card.recipientName} still had no messages a day after its send time, so it was cancelled and not sent.`,
          'You can create a new card at any time.',
        ],
    link: next ? { label: 'Open the card and sign it', url: o.shareUrl } : undefined,
    key: `empty-${card.id}-${card.sendAtUtc}`,
  });
}
