// What a card's status means in words, in one place, so the sign page, the back of the card and
// the manage page never contradict each other (issue 15: "Cancelled · Sends Monday..." next to
// "Be the first to sign!").
import type { CardStatus } from './api';

/** The words before the card's time: a cancelled card "was to be sent", it does not "send". */
export function timeLabel(status: CardStatus): string {
  switch (status) {
    case 'scheduled':
      return 'Sends';
    case 'delivering':
      return 'Being sent; it was due';
    case 'sent':
      return 'Sent';
    case 'cancelled':
      return 'Cancelled; it was to be sent';
    case 'failed':
      return 'Not delivered; it was due';
  }
}

/** The back of a card with no messages: an invitation only while people can still sign. */
export function emptyMessagesText(status: CardStatus, forOwner = false): string {
  switch (status) {
    case 'scheduled':
      return forOwner
        ? 'No messages yet. Share the link so people can sign.'
        : 'No messages yet. Be the first to sign!';
    case 'cancelled':
      return 'No messages were added before the card was cancelled.';
    case 'sent':
      return 'The card was sent without messages.';
    default:
      return 'No messages were added before the send time.';
  }
}

/** Why a card takes no more messages, as the rest of a sentence after "The card has gone:". */
export function closedReason(status: CardStatus): string {
  switch (status) {
    case 'cancelled':
      return 'its creator cancelled it.';
    case 'sent':
      return 'it was sent.';
    case 'failed':
      return 'it could not be delivered and takes no more messages.';
    default:
      return 'its send time came, and it is being sent.';
  }
}
