// Reads the .eml files the local app writes to DATA_DIR/outbox and shows their HTML in Chromium,
// as a mail app on a phone or a desktop would: the email is judged by how it renders.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ARTIFACTS, VIEWPORTS, type Browser } from './harness';

export interface EmlPart {
  headers: string;
  body: Buffer;
}

export interface Eml {
  headers: string;
  parts: EmlPart[];
  html: string;
  text: string;
}

function decode(headers: string, body: string): Buffer {
  const encoding = /^Content-Transfer-Encoding:\s*(\S+)/im.exec(headers)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64');
  if (encoding === 'quoted-printable') {
    // Soft breaks go; each =XX is one byte, so UTF-8 sequences come back whole.
    const joined = body.replace(/=\r?\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < joined.length; i++) {
      const hex = joined[i] === '=' ? /^[0-9A-F]{2}/i.exec(joined.slice(i + 1, i + 3)) : null;
      if (hex) {
        bytes.push(parseInt(hex[0], 16));
        i += 2;
      } else bytes.push(...Buffer.from(joined[i] as string, 'utf8'));
    }
    return Buffer.from(bytes);
  }
  return Buffer.from(body, 'utf8');
}

/** Every leaf part of a MIME message (nested multiparts flattened), decoded. */
export function parseEml(raw: string): Eml {
  const split = (msg: string): { headers: string; body: string } => {
    const at = msg.search(/\r?\n\r?\n/);
    return { headers: msg.slice(0, at).replace(/\r?\n[ \t]+/g, ' '), body: msg.slice(at).replace(/^\r?\n\r?\n/, '') };
  };
  const leaves = (msg: string): EmlPart[] => {
    const { headers, body } = split(msg);
    const boundary = /^Content-Type:\s*multipart\/[^;]+;.*boundary="?([^";\r\n]+)"?/im.exec(headers)?.[1];
    if (!boundary) return [{ headers, body: decode(headers, body) }];
    return body
      .split(`--${boundary}`)
      .slice(1, -1)
      .flatMap((p) => leaves(p.replace(/^\r?\n/, '')));
  };
  const { headers } = split(raw);
  const parts = leaves(raw);
  const of = (type: string) =>
    parts.find((p) => new RegExp(`^Content-Type:\\s*${type}`, 'im').test(p.headers))?.body.toString('utf8') ?? '';
  return { headers, parts, html: of('text/html'), text: of('text/plain') };
}

export const readEml = (dir: string, file: string): Eml => parseEml(readFileSync(join(dir, file), 'utf8'));

export interface EmailLayout {
  /** How far the page is wider than the window: a fixed-width email scrolls sideways. */
  overflow: number;
  /** Rendered width of the card image, and of the column it sits in. */
  imageWidth: number;
  columnWidth: number;
  /** Elements holding people's words that carry dir="auto", and how many hold them in all. */
  userTextWithDir: number;
  buttonColour: string;
}

/**
 * Opens the email's HTML at a viewport width (cid: images inlined from the email's own parts),
 * saves a screenshot as `email-<name>-<kind>.png` and measures what a reader would notice.
 */
export async function renderEmail(
  browser: Browser,
  eml: Eml,
  name: string,
  kind: keyof typeof VIEWPORTS,
): Promise<EmailLayout> {
  let html = eml.html;
  for (const part of eml.parts) {
    const cid = /^Content-ID:\s*<([^>]+)>/im.exec(part.headers)?.[1];
    const type = /^Content-Type:\s*([^;\s]+)/im.exec(part.headers)?.[1];
    if (cid && type) html = html.split(`cid:${cid}`).join(`data:${type};base64,${part.body.toString('base64')}`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const context = await browser.newContext({ ...VIEWPORTS[kind], javaScriptEnabled: false });
  const page = await context.newPage();
  await page.setContent(html, { waitUntil: 'load' });
  const layout = await page.evaluate(() => {
    const img = document.querySelector('img');
    const column = img?.closest('td') ?? document.body;
    const button = [...document.querySelectorAll('a')].find(
      (a) => getComputedStyle(a).backgroundColor !== 'rgba(0, 0, 0, 0)',
    );
    return {
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      imageWidth: img?.getBoundingClientRect().width ?? 0,
      columnWidth: column.getBoundingClientRect().width,
      userTextWithDir: document.querySelectorAll('[dir=auto]').length,
      buttonColour: button ? getComputedStyle(button).backgroundColor : '',
    };
  });
  await page.screenshot({ path: join(ARTIFACTS, `email-${name}-${kind}.png`), fullPage: true });
  await context.close();
  return layout;
}
