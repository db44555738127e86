/**
 * The text rules, in one place: the API validates with them and the web app
 * (reference-app/web/src/lib/validation.ts) imports this very file to check forms before sending.
 * So it imports nothing and runs in a browser.
 *
 * User text is stored as plain text and always rendered escaped (the site with {{ }}, the email
 * with escapeHtml). On top of that, what an HTML parser would read as markup is refused, so a
 * stored value cannot become HTML somewhere that forgets to escape (the original stored raw
 * rich-text HTML): a tag or closing tag (`<b`, `</p`), a comment or doctype (`<!`) and a
 * processing instruction (`<?`). A `<` a parser reads as text is text: "a < b and c > d", "3 < 5",
 * "I <3 you". Entities ("&amp;") and words ("javascript:") are text too: escaped on output, they
 * show as typed and never run.
 */
const MARKUP = /<(?:[a-zA-Z]|\/[a-zA-Z]|!|\?)/;
// Control characters other than tab/newline; and bidi overrides used for spoofing.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;
// Half of a UTF-16 surrogate pair without the other half: JSON can carry one ("\ud800"), UTF-8 cannot
// encode it (SQLite stored invalid bytes, MySQL refuses or mangles it).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// Something a reader can see: not whitespace, not a format character (zero-width space, joiners,
// BOM, bidi marks), not a combining mark on its own, not a Hangul or Braille blank.
const VISIBLE = /[^\p{White_Space}\p{Cc}\p{Cf}\p{Mn}\p{Me}\u115F\u1160\u3164\uFFA0\u2800]/u;

/** What is checked and counted: NFC (so "e" + combining accent is one character), LF line ends, trimmed. */
export function normaliseText(value: string): string {
  return value.normalize('NFC').replace(/\r\n?/g, '\n').trim();
}

/** Length in Unicode code points, as MySQL counts VARCHAR characters. */
export const charLength = (value: string): number => [...value].length;

/**
 * Why a name or message (already normalised) is refused, as "must ..." for `details[].message`,
 * or null. Empty and too long come first, then what the text is made of.
 */
export function textProblem(value: string, o: { max: number; singleLine: boolean }): string | null {
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode text (it contains half of a surrogate pair)';
  if (value.length === 0) return 'must not be empty';
  if (charLength(value) > o.max) return `must be at most ${o.max} characters`;
  if (!VISIBLE.test(value)) return 'must contain a visible character';
  if (CONTROL.test(value)) return 'must not contain control characters';
  if (o.singleLine && value.includes('\n')) return 'must be a single line';
  if (MARKUP.test(value)) return 'must be plain text (no HTML tags)';
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

export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
