import { flushPromises, mount } from '@vue/test-utils';
import App from '../src/App.vue';
import { rememberUpload } from '../src/lib/myUploads';
import { apiError, design, jsonBody, mockFetch, settle, testRouter, type Handler } from './helpers';

const SHARE = 's'.repeat(43);
const OWNER = 'o'.repeat(43);
const inAWeek = new Date(Date.now() + 7 * 86_400_000);

function sharedCard(status: string, messages = [{ name: 'Ann', message: 'Hi!', createdAt: '2026-11-30T10:00:00Z' }]) {
  return {
    design: design('d1', 'Balloons'),
    recipientName: 'Ada',
    senderName: 'Bob',
    sendAt: '2026-12-24T09:00:00',
    timeZone: 'Europe/Paris',
    sendAtUtc: inAWeek.toISOString(),
    status,
    messages,
  };
}

async function mountAt(path: string, handler: Handler) {
  const calls = mockFetch(handler);
  const router = testRouter(path);
  await router.isReady();
  const w = mount(App, { global: { plugins: [router] }, attachTo: document.body });
  await flushPromises();
  await settle();
  return { w, calls, router };
}

afterEach(() => (document.body.innerHTML = ''));

describe('sign page', () => {
  it('shows the countdown, and adds a message after preview and confirm', async () => {
    let messages = sharedCard('scheduled').messages;
    const { w, calls } = await mountAt(`/s/${SHARE}`, (method, _url, init) => {
      if (method === 'POST') {
        messages = [
          ...messages,
          { ...(JSON.parse(String(init.body)) as { name: string; message: string }), createdAt: '' },
        ];
        return { status: 201, body: messages.at(-1) };
      }
      return { body: sharedCard('scheduled', messages) };
    });
    expect(calls[0].url).toBe(`/api/v1/shared/${SHARE}`);
    expect(w.find('h1').text()).toBe('A card for Ada');
    expect(w.find('[role=timer]').text()).toMatch(/0[67]\s*days/);
    await w.find('#signer-name').setValue('Zoë');
    await w.find('#signer-message').setValue('Congratulations!');
    await w.find('form.message-form').trigger('submit');
    await w.find('form.message-form').trigger('submit');
    await flushPromises();
    await settle();
    expect(jsonBody(calls.find((c) => c.method === 'POST')!)).toEqual({ name: 'Zoë', message: 'Congratulations!' });
    expect(w.find('.card3d').classes()).toContain('flipped');
    expect(w.findAll('.card-back .message-name').map((n) => n.text())).toEqual(['— Ann', '— Zoë']);
    expect(w.text()).toContain('Your message is on the card');
  });

  it('keeps a message being written when the card turns out cancelled, with the reason and the text to copy', async () => {
    let cancelled = false;
    const { w, calls } = await mountAt(`/s/${SHARE}`, (method) => {
      if (method === 'POST') {
        cancelled = true;
        return apiError(409, 'card_cancelled', 'this card was cancelled');
      }
      return { body: sharedCard(cancelled ? 'cancelled' : 'scheduled') };
    });
    const words = 'Two lines\nI took ages to write';
    await w.find('#signer-name').setValue('Zoë');
    await w.find('#signer-message').setValue(words);
    await w.find('form.message-form').trigger('submit');
    await w.find('form.message-form').trigger('submit');
    await flushPromises();
    await settle();
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(w.find('[data-testid=card-cancelled]').exists()).toBe(true);
    expect(w.find('[data-testid=message-closed]').text()).toMatch(/The card has gone: its creator cancelled it\./);
    expect((w.find('#signer-message-kept').element as HTMLTextAreaElement).value).toBe(words);
    // Nothing left to press that would send it.
    expect(w.find('form.message-form button[type=submit]').exists()).toBe(false);
  });

  it('is read-only once the card was sent', async () => {
    const { w } = await mountAt(`/s/${SHARE}`, () => ({ body: sharedCard('sent') }));
    expect(w.find('[data-testid=card-sent]').text()).toMatch(/This card was sent/);
    expect(w.find('form.message-form').exists()).toBe(false);
    expect(w.find('[role=timer]').exists()).toBe(false);
  });

  it('says a card being delivered takes no more messages, without calling it sent', async () => {
    const { w } = await mountAt(`/s/${SHARE}`, () => ({ body: sharedCard('delivering') }));
    expect(w.find('[data-testid=card-sending]').text()).toMatch(/being sent/);
    expect(w.find('[data-testid=card-sent]').exists()).toBe(false);
    expect(w.find('form.message-form').exists()).toBe(false);
  });

  it('says a card whose delivery failed could not be delivered, not that it is being sent', async () => {
    const { w } = await mountAt(`/s/${SHARE}`, () => ({ body: sharedCard('failed') }));
    expect(w.find('[data-testid=card-failed]').text()).toMatch(/could not be delivered/);
    expect(w.find('[data-testid=card-sending]').exists()).toBe(false);
    expect(w.find('form.message-form').exists()).toBe(false);
  });

  it('says an empty cancelled card was cancelled, never inviting a first signature', async () => {
    const { w } = await mountAt(`/s/${SHARE}`, () => ({ body: sharedCard('cancelled', []) }));
    expect(w.find('[data-testid=card-cancelled]').text()).toMatch(/This card was cancelled/);
    expect(w.find('[data-testid=no-messages]').text()).toBe('No messages were added before the card was cancelled.');
    expect(w.text()).not.toMatch(/first to sign|Will be sent/);
    expect(w.find('form.message-form').exists()).toBe(false);
  });

  it('invites the first signature on an empty card that is still open', async () => {
    const { w } = await mountAt(`/s/${SHARE}`, () => ({ body: sharedCard('scheduled', []) }));
    expect(w.find('[data-testid=no-messages]').text()).toBe('No messages yet. Be the first to sign!');
    expect(w.find('form.message-form').exists()).toBe(true);
  });

  it('explains an unknown link', async () => {
    const { w } = await mountAt(`/s/${SHARE}`, () => apiError(404, 'not_found', 'card not found'));
    expect(w.find('[role=alert]').text()).toMatch(/could not find this card/);
  });
});

describe('owner page', () => {
  const ownerCard = (status = 'scheduled') => ({
    ...sharedCard(status),
    id: 'c1',
    recipientEmail: 'ada@example.com',
    senderEmail: 'bob@example.com',
    shareUrl: `http://localhost:8080/s/${SHARE}`,
  });

  it('authenticates with the token from the fragment and reschedules', async () => {
    const { w, calls } = await mountAt(`/cards/c1/manage#token=${OWNER}`, (method, _u, init) =>
      method === 'PATCH'
        ? { body: { ...ownerCard(), ...(JSON.parse(String(init.body)) as object) } }
        : { body: ownerCard() },
    );
    expect(calls[0].url).toBe('/api/v1/cards/c1');
    expect((calls[0].init.headers as Record<string, string>).authorization).toBe(`Bearer ${OWNER}`);
    expect(w.find('[data-testid=owner-status]').text()).toBe('Scheduled');
    expect(w.find('#owner-share-link').element).toHaveProperty('value', `http://localhost:8080/s/${SHARE}`);
    expect(w.find('#resched-zone').element).toHaveProperty('value', 'Europe/Paris');
    await w.find('#resched-time').setValue('10:30');
    await w.find('form[aria-labelledby=resched-title]').trigger('submit');
    await flushPromises();
    const patch = calls.find((c) => c.method === 'PATCH')!;
    expect(jsonBody(patch)).toEqual({ sendAt: '2026-12-24T10:30', timeZone: 'Europe/Paris' });
    expect(w.find('[data-testid=owner-notice]').text()).toMatch(/rescheduled/);
  });

  it('changes the recipient, showing API errors next to the field', async () => {
    const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, (method) =>
      method === 'PATCH'
        ? apiError(400, 'validation_failed', 'invalid request', [
            { path: 'recipientEmail', message: 'must be a valid email address' },
          ])
        : { body: ownerCard() },
    );
    await w.find('#owner-recipientEmail').setValue('ada@exam ple.com');
    await w.find('form[aria-labelledby=recip-title]').trigger('submit');
    expect(w.find('#owner-recipientEmail-error').text()).toMatch(/not a valid email/);
    await w.find('#owner-recipientEmail').setValue('ada@localhost.invalid');
    await w.find('form[aria-labelledby=recip-title]').trigger('submit');
    await flushPromises();
    expect(w.find('#owner-recipientEmail-error').text()).toBe('Must be a valid email address');
  });

  it('cancels after a confirmation', async () => {
    let cancelled = false;
    const { w, calls } = await mountAt(`/cards/c1/manage#token=${OWNER}`, (method) => {
      if (method === 'DELETE') {
        cancelled = true;
        return { status: 204 };
      }
      return { body: ownerCard(cancelled ? 'cancelled' : 'scheduled') };
    });
    await w.find('.danger-zone button').trigger('click');
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await w
      .findAll('.danger-zone button')
      .find((b) => b.text().startsWith('Yes'))!
      .trigger('click');
    await flushPromises();
    await settle();
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
    expect(w.find('[data-testid=owner-status]').text()).toBe('Cancelled');
    expect(w.find('.danger-zone').exists()).toBe(false);
    // The header does not promise a send next to "Cancelled"; the page says what cancelling means.
    expect(w.find('[data-testid=owner-when]').text()).toMatch(/^· Cancelled; it was to be sent /);
    expect(w.find('[data-testid=owner-cancelled]').text()).toMatch(/will not be sent/);
    expect(w.find('#owner-share-link').exists()).toBe(false);
  });

  it('removes a message after a second click, and says the empty-card rule on an empty card', async () => {
    let messages = [
      { id: 7, name: 'Ann', message: 'Hi!', createdAt: '2026-11-30T10:00:00Z' },
      { id: 9, name: 'Spam', message: 'buy', createdAt: '2026-11-30T10:01:00Z' },
    ];
    const { w, calls } = await mountAt(`/cards/c1/manage#token=${OWNER}`, (method, url) => {
      if (method === 'DELETE') {
        messages = messages.filter((m) => !url.endsWith(`/messages/${m.id}`));
        return { status: 204 };
      }
      return { body: { ...ownerCard(), messages } };
    });
    expect(w.find('[data-testid=empty-policy]').exists()).toBe(false);
    const removeSpam = () => w.findAll('.message-actions button').find((b) => b.text().includes('from Spam'))!;
    await removeSpam().trigger('click');
    // The first click only asks: nothing is removed yet, and "Keep" backs out.
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
    await w
      .findAll('.message-actions button')
      .find((b) => b.text() === 'Yes, remove it')!
      .trigger('click');
    await flushPromises();
    await settle();
    const removal = calls.filter((c) => c.method === 'DELETE');
    expect(removal.map((c) => c.url)).toEqual(['/api/v1/cards/c1/messages/9']);
    expect((removal[0]!.init.headers as Record<string, string>).authorization).toBe(`Bearer ${OWNER}`);
    expect(w.find('[data-testid=owner-notice]').text()).toBe('The message from Spam was removed.');
    expect(w.find('#msgs-title').text()).toBe('Messages (1)');

    messages = [];
    const empty = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({ body: { ...ownerCard(), messages } }));
    expect(empty.w.find('[data-testid=empty-policy]').text()).toMatch(/not sent empty.*one day later/);
  });

  it('offers no removal once the card is closed', async () => {
    const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({
      body: { ...ownerCard('sent'), messages: [{ id: 7, name: 'Ann', message: 'Hi!', createdAt: '' }] },
    }));
    expect(w.find('.message-actions').exists()).toBe(false);
    expect(w.find('[data-testid=empty-policy]').exists()).toBe(false);
  });

  describe('while the email is being delivered', () => {
    const delivering = (deliveryProblem: object | null, status = 'delivering') => ({
      ...ownerCard(status),
      deliveryProblem,
    });
    const FAILED_SEND = {
      kind: 'send_failed',
      detail: 'the email could not be handed to the mail service yet; delivery is retried',
      at: '2026-12-24T08:00:03.000Z',
    };

    it('shows it as being delivered, not sent, and offers no edits', async () => {
      const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({ body: delivering(null) }));
      expect(w.find('[data-testid=owner-status]').text()).toBe('Being delivered');
      expect(w.find('[data-testid=owner-delivering]').text()).toMatch(/being delivered to ada@example.com/);
      expect(w.find('[data-testid=owner-problem]').exists()).toBe(false);
      expect(w.find('form[aria-labelledby=resched-title]').exists()).toBe(false);
    });

    it('shows a failed send while delivery retries it', async () => {
      const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({ body: delivering(FAILED_SEND) }));
      expect(w.find('[data-testid=owner-status]').text()).toBe('Delivery delayed');
      expect(w.find('[data-testid=owner-status]').classes()).toContain('status-delivery-failed');
      expect(w.find('[data-testid=owner-problem]').text()).toMatch(/could not be sent yet.*keeps\s+trying/s);
      expect(w.find('[data-testid=owner-delivering]').exists()).toBe(false);
    });

    it('once delivery gave up, says it failed (once)', async () => {
      const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({
        body: delivering(FAILED_SEND, 'failed'),
      }));
      expect(w.find('[data-testid=owner-status]').text()).toBe('Delivery failed');
      expect(w.text()).toMatch(/failed after several attempts/);
      expect(w.find('[data-testid=owner-problem]').exists()).toBe(false);
    });
  });

  describe('after the email was sent', () => {
    const BOUNCE = {
      kind: 'bounced',
      detail: 'Permanent/General: smtp; 550 5.1.1 ada@example.com: user unknown',
      at: '2026-12-24T08:00:03.000Z',
    };
    const sent = (deliveryProblem: object | null) => ({ ...ownerCard('sent'), deliveryProblem });

    it('explains a bounce and sends the card again to a corrected address at a new time', async () => {
      let card: Record<string, unknown> = sent(BOUNCE);
      const { w, calls } = await mountAt(`/cards/c1/manage#token=${OWNER}`, (method, _u, init) => {
        if (method === 'PATCH') {
          card = { ...card, ...(JSON.parse(String(init.body)) as object), status: 'scheduled', deliveryProblem: null };
        }
        return { body: card };
      });
      expect(w.find('[data-testid=owner-status]').text()).toBe('Bounced');
      expect(w.find('[data-testid=owner-status]').classes()).toContain('status-delivery-failed');
      const banner = w.find('[data-testid=owner-problem]').text();
      expect(banner).toContain('The email to ada@example.com bounced');
      expect(banner).toContain(`Details: ${BOUNCE.detail}`);
      expect(banner).toMatch(/correct it below and pick a new time/);
      // Not the forms of a scheduled card: only the way out of the bounce.
      expect(w.find('form[aria-labelledby=resched-title]').exists()).toBe(false);
      expect(w.find('.danger-zone').exists()).toBe(false);

      // The address that bounced is refused before any request.
      await w.find('form[aria-labelledby=resend-title]').trigger('submit');
      expect(w.find('#resend-recipientEmail-error').text()).toMatch(/address that bounced/);
      expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

      await w.find('#resend-recipientEmail').setValue('ada@example.org');
      const date = (w.find('#resend-date').element as HTMLInputElement).value;
      expect(Date.parse(date)).toBeGreaterThan(Date.now() - 86_400_000);
      await w.find('form[aria-labelledby=resend-title]').trigger('submit');
      await flushPromises();
      await settle();
      const patch = calls.find((c) => c.method === 'PATCH')!;
      expect(jsonBody(patch)).toEqual({
        recipientName: 'Ada',
        recipientEmail: 'ada@example.org',
        sendAt: `${date}T09:00`,
        timeZone: 'Europe/Paris',
      });
      expect(w.find('[data-testid=owner-notice]').text()).toBe('The card will be sent again to ada@example.org.');
      expect(w.find('[data-testid=owner-problem]').exists()).toBe(false);
      expect(w.find('[data-testid=owner-status]').text()).toBe('Scheduled');
      expect(w.find('form[aria-labelledby=resched-title]').exists()).toBe(true);
    });

    it('shows a spam complaint without offering to send again, and markup in a detail as text', async () => {
      const detail = '<img src=x onerror=alert(1)> marked as spam (abuse)';
      const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({
        body: sent({ kind: 'complained', detail, at: '2026-12-24T10:00:00Z' }),
      }));
      expect(w.find('[data-testid=owner-status]').text()).toBe('Reported as spam');
      const banner = w.find('[data-testid=owner-problem]');
      expect(banner.text()).toMatch(/was reported as spam. It will not be sent again/);
      expect(banner.text()).toContain(`Details: ${detail}`);
      expect(banner.find('img').exists()).toBe(false);
      expect(w.find('form[aria-labelledby=resend-title]').exists()).toBe(false);
    });

    it('shows a sent card without a problem as plainly sent', async () => {
      const { w } = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => ({ body: sent(null) }));
      expect(w.find('[data-testid=owner-status]').text()).toBe('Sent');
      expect(w.find('[data-testid=owner-problem]').exists()).toBe(false);
      expect(w.find('form[aria-labelledby=resend-title]').exists()).toBe(false);
    });
  });

  it('refuses to call the API without a token and explains a wrong one', async () => {
    const first = await mountAt('/cards/c1/manage', () => ({ body: ownerCard() }));
    expect(first.calls).toHaveLength(0);
    expect(first.w.find('[role=alert]').text()).toMatch(/incomplete/);
    document.body.innerHTML = '';
    const second = await mountAt(`/cards/c1/manage#token=${OWNER}`, () => apiError(404, 'not_found', 'card not found'));
    expect(second.w.find('[role=alert]').text()).toMatch(/not valid/);
  });
});

describe('uploads tab', () => {
  it('lists the ready designs uploaded from this browser and forgets deleted ones', async () => {
    localStorage.clear();
    rememberUpload('gone');
    rememberUpload('mine');
    const { w } = await mountAt('/?category=uploads', (_m, url) =>
      url === '/api/v1/designs/mine'
        ? { body: { ...design('mine', 'Birthday upload'), status: 'ready', visibility: 'private' } }
        : apiError(404, 'not_found', 'design not found'),
    );
    expect(w.findAll('a.design-tile').map((a) => a.attributes('data-design-id'))).toEqual(['mine']);
    expect(localStorage.getItem('goodgreets.uploads')).toBe('["mine"]');
  });

  it('shows the uploader where each public upload stands in review', async () => {
    localStorage.clear();
    for (const id of ['private', 'approved', 'rejected', 'pending']) rememberUpload(id);
    const { w } = await mountAt('/?category=uploads', (_m, url) => {
      const id = url.split('/').pop() as string;
      return id === 'private'
        ? { body: { ...design(id, id), status: 'ready', visibility: 'private', moderation: 'pending' } }
        : { body: { ...design(id, id), status: 'ready', visibility: 'public', moderation: id } };
    });
    const states = w
      .findAll('a.design-tile')
      .map((a) => [
        a.attributes('data-design-id'),
        a.find('[data-testid=design-review]').exists() ? a.find('[data-testid=design-review]').text() : null,
      ]);
    expect(states).toEqual([
      ['pending', 'In review'],
      ['rejected', 'Not in the gallery'],
      ['approved', 'In the gallery'],
      ['private', null],
    ]);
  });
});
