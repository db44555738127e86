/**
 * @jest-environment node
 */
// Issue 15, items 9 and 10 in Chromium: the owner keeps the card (manage link by email, removing a
// message), an empty card is not sent, and on a phone the sign form is one tap from the top.
// Cards are created through the API (the create form has its own test) and scheduled far ahead;
// only the empty-card test moves its card to seconds ahead, with no page steps racing it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { solveCaptcha } from '../../../api/test/altcha-solver';
import { readEml, renderEmail } from './email';
import { appForSuite, newContext, see, shot, type Browser, type RunningApp } from './harness';

jest.setTimeout(120_000);

interface Card {
  id: string;
  shareUrl: string;
  shareToken: string;
  ownerToken: string;
  ownerLinkEmailed: boolean;
}

const BRAND = 'rgb(124, 58, 237)';
const utcSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19);

describe('GoodGreets owners and phones in Chromium', () => {
  const suite = appForSuite();
  let app: RunningApp;
  let browser: Browser;
  beforeAll(() => {
    ({ app, browser } = suite);
  });
  const outbox = () => join(app.dataDir, 'outbox');
  const outboxFiles = (re: RegExp) => (existsSync(outbox()) ? readdirSync(outbox()).filter((f) => re.test(f)) : []);

  async function createCard(recipientName: string): Promise<Card> {
    const res = await fetch(`${app.url}/api/v1/cards`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        designId: 'stock-wedding-1',
        recipientName,
        // One address per card: the anti-relay cap allows a recipient three cards a day.
        recipientEmail: `ada.${recipientName.replace(/\W+/g, '').toLowerCase()}@example.com`,
        senderName: 'Charles',
        senderEmail: 'charles@example.org',
        // Far ahead: nothing closes while the pages are driven.
        sendAt: utcSeconds(Date.now() + 7 * 24 * 3_600_000),
        timeZone: 'UTC',
        captcha: await solveCaptcha(app.url),
      }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as Card;
  }

  const sign = async (card: Card, name: string, message: string) => {
    const r = await fetch(`${app.url}/api/v1/shared/${card.shareToken}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, message }),
    });
    expect(r.status).toBe(201);
  };

  it('emails the owner their manage link, and the owner removes a message, on desktop and phone', async () => {
    for (const kind of ['desktop', 'phone'] as const) {
      const card = await createCard(`Ada (${kind})`);
      expect(card.ownerLinkEmailed).toBe(true);
      await sign(card, 'Grace', 'Congratulations to you both!');
      await sign(card, 'Spammer', 'Cheap watches at example.net');

      // The link comes from the email, as the owner who closed the tab would find it.
      const [file] = outboxFiles(new RegExp(`^owner-${card.id}\\.eml$`));
      expect(file).toBeDefined();
      const email = readEml(outbox(), file as string);
      expect(email.headers).toMatch(/^To: .*charles@example\.org/m);
      const manageUrl = /Manage your card: (\S+)/.exec(email.text)?.[1];
      expect(manageUrl).toBe(`${app.url}/cards/${card.id}/manage#token=${card.ownerToken}`);
      const rendered = await renderEmail(browser, email, 'owner-link', kind);
      expect(rendered.overflow).toBeLessThanOrEqual(0);
      expect(rendered.buttonColour).toBe(BRAND);

      const { context, problems } = await newContext(browser, app.url, kind);
      const page = await context.newPage();
      await page.goto(manageUrl as string);
      await see(page.locator('#msgs-title')).toHaveText('Messages (2)');
      await page.getByRole('button', { name: 'Remove the message from Spammer' }).click();
      await shot(page, 'owner-remove-confirm', kind);
      await page.getByRole('button', { name: 'Yes, remove it' }).click();
      await see(page.locator('[data-testid=owner-notice]')).toHaveText('The message from Spammer was removed.');
      await see(page.locator('#msgs-title')).toHaveText('Messages (1)');
      expect(await page.locator('.owner-layout .message-name').allInnerTexts()).toEqual(['— Grace']);
      await shot(page, 'owner-removed', kind);

      // Signers see the card without it.
      const signer = await context.newPage();
      await signer.goto(card.shareUrl);
      await see(signer.locator('h1')).toHaveText(`A card for Ada (${kind})`);
      const shared = (await (await fetch(`${app.url}/api/v1/shared/${card.shareToken}`)).json()) as {
        messages: Array<{ name: string }>;
      };
      expect(shared.messages.map((m) => m.name)).toEqual(['Grace']);
      expect(problems).toEqual([]);
      await context.close();
    }
  });

  it('does not send an empty card: it moves a day, the owner is emailed and the page says why', async () => {
    const card = await createCard('Ada (empty)');
    const { context, problems } = await newContext(browser, app.url, 'phone', 'UTC');
    const page = await context.newPage();
    await page.goto(`/cards/${card.id}/manage#token=${card.ownerToken}`);
    await see(page.locator('[data-testid=empty-policy]')).toContainText('not sent empty');
    await shot(page, 'owner-empty', 'phone');

    // The owner moves it to seconds ahead; nobody signs. No page step runs until it was handled.
    const moved = await fetch(`${app.url}/api/v1/cards/${card.id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${card.ownerToken}` },
      body: JSON.stringify({ sendAt: utcSeconds(Date.now() + 3_000) }),
    });
    expect(moved.status).toBe(200);
    const movedTo = ((await moved.json()) as { sendAtUtc: string }).sendAtUtc;
    const notice = new RegExp(`^empty-${card.id}-\\d+\\.eml$`);
    const deadline = Date.now() + 45_000;
    while (!outboxFiles(notice).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const [file] = outboxFiles(notice);
    expect(file).toBeDefined();
    expect(outboxFiles(new RegExp(`^card-${card.id}-`))).toEqual([]);
    const email = readEml(outbox(), file as string);
    expect(email.headers).toMatch(/^To: .*charles@example\.org/m);
    expect(email.headers).toMatch(/^Subject: Nobody has signed your card/m);
    expect((await renderEmail(browser, email, 'empty-card', 'phone')).overflow).toBeLessThanOrEqual(0);

    // A day later, still open to signers; the owner sees the new time.
    await page.reload();
    await see(page.locator('[data-testid=owner-status]')).toHaveText('Scheduled');
    const view = (await (
      await fetch(`${app.url}/api/v1/cards/${card.id}`, { headers: { authorization: `Bearer ${card.ownerToken}` } })
    ).json()) as { sendAtUtc: string };
    expect(Date.parse(view.sendAtUtc) - Date.parse(movedTo)).toBe(24 * 3_600_000);
    const signer = await context.newPage();
    await signer.goto(card.shareUrl);
    await signer.locator('#signer-name').waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });

  it('puts the sign form one tap from the top on a phone, and beside the card on a desktop', async () => {
    const card = await createCard('Ada (phone)');
    const phone = await newContext(browser, app.url, 'phone');
    const page = await phone.context.newPage();
    await page.goto(card.shareUrl);
    await page.locator('#signer-name').waitFor();
    const jump = page.getByRole('button', { name: 'Sign this card' });
    const box = await jump.boundingBox();
    // In the first screen, while the form starts below the whole card.
    expect(box && box.y + box.height).toBeLessThanOrEqual(844);
    expect((await page.locator('#signer-name').boundingBox())!.y).toBeGreaterThan(844);
    await jump.click();
    await see(page.locator('#signer-name')).toBeFocused();
    // The whole form heading shows under the sticky header, the name field on screen.
    await page.waitForFunction(() => {
      const header = document.querySelector('header')!.getBoundingClientRect();
      const form = document.querySelector('form.message-form')!.getBoundingClientRect();
      const field = document.getElementById('signer-name')!.getBoundingClientRect();
      return form.top >= header.bottom && field.bottom <= window.innerHeight;
    });
    await page.screenshot({ path: join(__dirname, '../../test-artifacts/sign-form-reached-phone.png') });
    expect(phone.problems).toEqual([]);
    await phone.context.close();

    const desktop = await newContext(browser, app.url, 'desktop');
    const dp = await desktop.context.newPage();
    await dp.goto(card.shareUrl);
    await dp.locator('#signer-name').waitFor();
    expect(await dp.getByRole('button', { name: 'Sign this card' }).isVisible()).toBe(false);
    expect((await dp.locator('#signer-name').boundingBox())!.y).toBeLessThan(900);
    expect(desktop.problems).toEqual([]);
    await desktop.context.close();
  });
});
