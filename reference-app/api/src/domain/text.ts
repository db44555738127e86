/**
 * User text is stored as plain text and always rendered escaped. We additionally refuse
 * anything that looks like markup so a stored value can never become HTML somewhere that
 * forgets to escape (the original stored raw rich-text HTML).
 */
const TAG_LIKE = /<\s*[a-zA-Z!/?]|&#?[a-zA-Z0-9]+;|javascript:/i;
// Control characters other than tab/newline; and bidi overrides used for spoofing.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

export function normaliseText(value: string): string {
  return value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

export function textProblem(value: string, singleLine: boolean): string | null {
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (singleLine && value.includes('\n')) return 'must be a single line';
  if (TAG_LIKE.test(value)) return 'must be plain text (no HTML, entities or scripts)';
  return null;
}

/** RFC 2047 encoded-words (`=?utf-8?B?...?=`): a mail client would decode them into other text. */
const ENCODED_WORD = /=\?[^?\s]*\?[bq]\?[^?\s]*\?=/i;
/** A scheme, `www.` or a dotted host name (`bank.example`): names go into Subject and Reply-To. */
const URL_LIKE = /[a-z][a-z0-9+.-]*:\/\/|www\.|[a-z0-9-]\.[a-z]{2,63}(?![a-z])/i;

/**
 * Extra rules for people's names, which reach the email's Subject and Reply-To display name: no
 * encoded-word that would turn into "Bank Security" in the recipient's mail client, and no link.
 */
export function nameProblem(value: string): string | null {
  if (ENCODED_WORD.test(value)) return 'must not contain MIME encoded-words (=?charset?B?...?=)';
  if (URL_LIKE.test(value)) return 'must not contain a web address';
  return null;
}

const CONTROL_ALL = new RegExp(CONTROL.source, 'g');

/**
 * Text from outside (a remote mail server's diagnostic) made safe to store and show as one line:
 * control and bidi characters and the markup characters < > & removed, whitespace collapsed,
 * at most `max` code points (an ellipsis marks a cut).
 */
export function plainSummary(value: string, max: number): string {
  const flat = value.normalize('NFC').replace(CONTROL_ALL, ' ').replace(/[<>&]/g, '').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** Length in Unicode code points, as MySQL counts VARCHAR characters. */
export const charLength = (value: string): number => [...value].length;

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
