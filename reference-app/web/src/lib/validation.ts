// Client-side checks of the API's rules (issue 7), so people see problems before a round trip. The
// text rules are the API's own module; emails and limits mirror it and are held to it by the API's
// test/validation-agreement.test.ts. The API stays the authority: its field errors are shown in the
// same places.
import { nameProblem, normaliseText, textProblem } from '../../../api/src/domain/text';
import { addMonths, isValidTimeZone, parseWall, wallAt, wallToInstant } from './zoned';

export const LIMITS = {
  personName: 32,
  signerName: 32,
  message: 1000,
  email: 254,
  maxMonthsAhead: 3,
  uploadBytes: 12 * 1024 * 1024,
  uploadTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/avif'] as readonly string[],
};

export type Errors = Record<string, string>;

/** The API's normalisation before it counts or checks (NFC, LF, trimmed): the same function. */
export { normaliseText };

// The same rule as the API's zod `.email()` (zod 3), so the browser never passes an address the
// API refuses: ASCII letters, digits and _ ' + - . in the local part (no leading, trailing or
// doubled dot), dotted domain labels of letters, digits and hyphens, a letters-only top level of
// two or more. test/validation-agreement.test.ts in the API runs both on the same inputs.
const EMAIL = /^(?!\.)(?!.*\.\.)([A-Z0-9_'+\-.]*)[A-Z0-9_+-]@([A-Z0-9][A-Z0-9-]*\.)+[A-Z]{2,}$/i;
/**
 * The API's own text rules (reference-app/api/src/domain/text.ts, imported as is): length in code
 * points after NFC, a visible character, valid Unicode, no control or bidi characters, no markup.
 * Its "must ..." is shown after the field's label.
 */
function textError(value: string, label: string, max: number, singleLine: boolean, empty: string): string | null {
  const v = normaliseText(value);
  if (!v) return empty;
  const problem = textProblem(v, { max, singleLine });
  return problem && `${label} ${problem}.`;
}

export function checkName(value: string, label: string, max: number): string | null {
  // Names also reach the email's Subject and Reply-To: the API's nameProblem (no encoded-words, no web address).
  const problem = textError(value, label, max, true, `${label} is required.`);
  if (problem) return problem;
  const nameIssue = nameProblem(normaliseText(value));
  return nameIssue && `${label} ${nameIssue}.`;
}

export function checkEmail(value: string, label: string): string | null {
  const v = value.trim();
  if (!v) return `${label} is required.`;
  if (v.length > LIMITS.email || !EMAIL.test(v)) return `${label} is not a valid email address.`;
  return null;
}

/**
 * sendAt ("YYYY-MM-DDTHH:mm") in `timeZone` must exist, be in the future and at most three
 * calendar months ahead of now (measured in that zone).
 */
export function checkSendAt(sendAt: string, timeZone: string, now = Date.now()): Errors {
  const errors: Errors = {};
  if (!timeZone || !isValidTimeZone(timeZone)) {
    errors.timeZone = 'Choose a valid time zone.';
    return errors;
  }
  const wall = parseWall(sendAt);
  if (!wall) {
    errors.sendAt = 'Choose a date and a time.';
    return errors;
  }
  const at = wallToInstant(wall, timeZone);
  if (at === null) {
    errors.sendAt = 'That time does not exist in this time zone (clocks jump forward). Pick another time.';
    return errors;
  }
  if (at <= now) {
    errors.sendAt = 'The send time must be in the future.';
    return errors;
  }
  const nowWall = wallAt(now, timeZone);
  const limitWall = addMonths(nowWall, LIMITS.maxMonthsAhead);
  const limit = wallToInstant(limitWall, timeZone) ?? now + LIMITS.maxMonthsAhead * 31 * 86_400_000;
  if (at > limit) errors.sendAt = `The send time must be within ${LIMITS.maxMonthsAhead} months from now.`;
  return errors;
}

export interface CardForm {
  designId: string;
  recipientName: string;
  recipientEmail: string;
  senderName: string;
  senderEmail: string;
  sendAt: string;
  timeZone: string;
}

export function validatePeople(f: Pick<CardForm, 'recipientName' | 'recipientEmail' | 'senderName' | 'senderEmail'>) {
  const errors: Errors = {};
  const add = (k: string, e: string | null) => {
    if (e) errors[k] = e;
  };
  add('recipientName', checkName(f.recipientName, "Recipient's name", LIMITS.personName));
  add('recipientEmail', checkEmail(f.recipientEmail, "Recipient's email"));
  add('senderName', checkName(f.senderName, 'Your name', LIMITS.personName));
  add('senderEmail', checkEmail(f.senderEmail, 'Your email'));
  return errors;
}

export function validateCard(f: CardForm, now = Date.now()): Errors {
  const errors: Errors = { ...validatePeople(f), ...checkSendAt(f.sendAt, f.timeZone, now) };
  if (!f.designId) errors.designId = 'Choose a design.';
  return errors;
}

export function validateMessage(m: { name: string; message: string }): Errors {
  const errors: Errors = {};
  const nameErr = checkName(m.name, 'Your name', LIMITS.signerName);
  if (nameErr) errors.name = nameErr;
  const messageErr = textError(m.message, 'Your message', LIMITS.message, false, 'Write a message.');
  if (messageErr) errors.message = messageErr;
  return errors;
}

export function validateUpload(file: File | null, category: string): Errors {
  const errors: Errors = {};
  if (!file) errors.file = 'Choose a picture.';
  else if (!LIMITS.uploadTypes.includes(file.type)) errors.file = 'Use a JPEG, PNG, WebP, GIF or AVIF picture.';
  else if (file.size > LIMITS.uploadBytes)
    errors.file = `That file is ${(file.size / 1048576).toFixed(1)} MB; the limit is ${LIMITS.uploadBytes / 1048576} MB.`;
  else if (file.size === 0) errors.file = 'That file is empty.';
  if (!category) errors.category = 'Choose a category.';
  return errors;
}
