import { MESSAGE_MAX, NAME_MAX, messageSchema, patchCardSchema } from '../src/domain/validation';
import { LIMITS, checkEmail, checkName, validateMessage } from '../../web/src/lib/validation';

/**
 * The site checks names, emails and messages before sending them (reference-app/web); the API
 * decides. Both must give the same verdict, or people either see an error the API would not
 * give or get past the form into one it does.
 */
const api = {
  email: (v: string) => patchCardSchema.safeParse({ recipientEmail: v }).success,
  name: (v: string) => patchCardSchema.safeParse({ recipientName: v }).success,
  message: (v: string) => messageSchema.safeParse({ name: 'Ann', message: v }).success,
};
const web = {
  email: (v: string) => checkEmail(v, 'Email') === null,
  name: (v: string) => checkName(v, 'Name', LIMITS.personName) === null,
  message: (v: string) => validateMessage({ name: 'Ann', message: v }).message === undefined,
};

const eAcute = 'e\u0301'; // two code points that NFC makes one
const hangul = '\u1100\u1161'; // two jamo that NFC makes one syllable
const emoji = '\u{1F600}'; // one code point, two UTF-16 units

const cases: Record<keyof typeof api, Array<[string, boolean]>> = {
  email: [
    ['ann@example.com', true],
    ['Ann.Lee+cards@Example.co.uk', true],
    ["o'neil@example.ie", true],
    ['a_b-c@sub-domain.example.org', true],
    ['  padded@example.com  ', true],
    [`${'a'.repeat(64)}@${'b'.repeat(185)}.com`, true], // 254 characters
    [`${'a'.repeat(65)}@${'b'.repeat(185)}.com`, false], // 255
    ['a!b@example.com', false],
    ['a@example.c0m', false],
    ['a..b@example.com', false],
    ['.a@example.com', false],
    ['a.@example.com', false],
    ['a@-example.com', false],
    ['a@example..com', false],
    ['a@b', false],
    ['a@b.c', false],
    ['a b@example.com', false],
    ['jörg@example.com', false],
    ['ann@exämple.com', false],
    ['"quoted"@example.com', false],
    ['a@[127.0.0.1]', false],
    ['a@b.com\r\nBcc: x@y.com', false],
    ['a@b@example.com', false],
    ['', false],
    ['   ', false],
  ],
  name: [
    ['Ann Lee', true],
    ["Anne-Marie O'Neil", true],
    ['Dr. No', true],
    ['J.R.R. Tolkien', true],
    // Issue 20: what turned "Bank Security" into the Subject, and links.
    ['=?utf-8?B?QmFuayBTZWN1cml0eQ==?=', false],
    ['Bob =?ISO-8859-1?Q?Security?=', false],
    ['https://evil.example', false],
    ['see www.evil', false],
    ['bank-security.com', false],
    ['Support at Bank.example', false],
    ['x'.repeat(NAME_MAX), true],
    ['x'.repeat(NAME_MAX + 1), false],
    [eAcute.repeat(NAME_MAX), true],
    [eAcute.repeat(NAME_MAX + 1), false],
    [hangul.repeat(NAME_MAX), true],
    [hangul.repeat(NAME_MAX + 1), false],
    [emoji.repeat(NAME_MAX), true],
    [emoji.repeat(NAME_MAX + 1), false],
    [`  ${'x'.repeat(NAME_MAX)}\r\n`, true],
    ['Ann\rLee', false],
    ['Ann\nLee', false],
    ['Ann\u202ELee', false],
    ['<b>Ann</b>', false],
    ['Tom &amp; Jerry', true], // shown as typed: output is escaped
    ['<img src=x onerror=alert(1)>', false],
    ['Tom & Jerry', true],
    ['   ', false],
    ['A\uD800B', false], // a lone surrogate: not Unicode text
    ['A\uDC00B', false],
    ['\u{1F600}B', true], // a pair is fine
    ['\u200B\u200C\u200D', false], // zero-width only: an invisible signer
    ['\uFEFF\u2060', false],
    ['\u3164', false], // Hangul filler
    ['\u0301', false], // a combining accent alone
    ['Ann\u200B', true], // an invisible character next to visible ones is not a problem
  ],
  message: [
    ['Happy birthday!\nSee you soon', true],
    ['line one\r\nline two', true],
    [eAcute.repeat(MESSAGE_MAX), true],
    [eAcute.repeat(MESSAGE_MAX + 1), false],
    [emoji.repeat(MESSAGE_MAX), true],
    ['x'.repeat(MESSAGE_MAX + 1), false],
    ['<script>alert(1)</script>', false],
    ['<img src=x onerror=alert(1)>', false],
    ['ok </p> then', false],
    ['<!-- hidden -->', false],
    ['<?xml version="1.0"?>', false],
    ['<svg/onload=alert(1)>', false],
    // What a parser reads as text is text (issue 15): refused before, accepted now.
    ['a < b and c > d', true],
    ['Use &amp; here', true],
    ['3 < 5', true],
    ['I <3 you & <-- look', true],
    ['javascript: is a word here', true],
    ['a\u0000b', false],
    ['\n\n', false],
    ['\u200B\n\u200B', false],
    ['hi \uDBFF', false],
    [`${eAcute.repeat(MESSAGE_MAX - 1)}\u200B`, true],
  ],
};

describe('the site and the API agree on what they accept', () => {
  it('uses the same limits', () => {
    expect([LIMITS.personName, LIMITS.signerName, LIMITS.message]).toEqual([NAME_MAX, NAME_MAX, MESSAGE_MAX]);
  });

  /** Long inputs are named by how they start and their length in code points. */
  const title = (input: string): string =>
    input.length > 40
      ? `${JSON.stringify(input.slice(0, 6))}… (${[...input].length} code points)`
      : JSON.stringify(input);

  for (const field of Object.keys(cases) as Array<keyof typeof api>) {
    it.each(cases[field].map(([input, valid]) => [title(input), input, valid] as const))(
      `${field} %s`,
      (_title, input, valid) => {
        expect({ api: api[field](input), web: web[field](input) }).toEqual({ api: valid, web: valid });
      },
    );
  }
});
