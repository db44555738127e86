import { flushPromises, mount } from '@vue/test-utils';
import App from '../src/App.vue';
import WhenFields from '../src/components/WhenFields.vue';
import { CaptchaStub, apiError, design, jsonBody, mockFetch, settle, testRouter, type Handler } from './helpers';
import { wallAt } from '../src/lib/zoned';

const created = {
  id: 'card-1',
  shareToken: 'S'.repeat(22),
  ownerToken: 'O'.repeat(22),
  shareUrl: 'http://localhost/s/SSS',
};

async function mountAt(path: string, handler: Handler) {
  const calls = mockFetch(handler);
  const router = testRouter(path);
  await router.isReady();
  const w = mount(App, {
    global: { plugins: [router], stubs: { CaptchaField: CaptchaStub } },
    attachTo: document.body,
  });
  await flushPromises();
  await settle();
  return { w, router, calls };
}

const ok: Handler = (method, url) => {
  if (url.startsWith('/api/v1/designs/d1')) return { body: { ...design('d1', 'Balloons'), status: 'ready' } };
  if (url.startsWith('/api/v1/designs'))
    return { body: { items: [design('d1', 'Balloons'), design('d2', 'Cake')], nextCursor: null } };
  if (method === 'POST' && url === '/api/v1/cards') return { status: 201, body: created };
  return { status: 404, body: { error: { code: 'not_found', message: 'Not found' } } };
};

async function fillPeople(w: ReturnType<typeof mount>) {
  await w.find('#recipientName').setValue('Ada Lovelace');
  await w.find('#recipientEmail').setValue('ada@example.com');
  await w.find('#senderName').setValue('Charles');
  await w.find('#senderEmail').setValue('charles@example.org');
}

function futureDate(days: number) {
  const w = wallAt(Date.now() + days * 86_400_000, 'Europe/Paris');
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

describe('create-card flow', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('walks design -> people -> when -> confirm and posts what the API expects', async () => {
    const { w, router, calls } = await mountAt('/create?design=d1', ok);
    expect(w.find('.chosen-title').text()).toBe('Balloons');
    await w.find('form.card-form').trigger('submit');
    await settle();

    // People: invalid input stays on the step with messages next to the fields.
    await w.find('#recipientEmail').setValue('not-an-email');
    await w.find('form.card-form').trigger('submit');
    await settle();
    expect(w.find('#recipientEmail-error').text()).toMatch(/valid email/);
    expect(w.find('#recipientName-error').text()).toMatch(/required/);
    await fillPeople(w);
    await w.find('form.card-form').trigger('submit');
    await settle();

    // When: a past date is refused client-side, a date next week is accepted.
    await w.find('#send-date').setValue('2020-01-01');
    await w.find('#send-zone').setValue('Europe/Paris');
    await w.find('form.card-form').trigger('submit');
    await settle();
    expect(w.find('#send-date-error').text()).toMatch(/future/);
    await w.find('#send-date').setValue(futureDate(7));
    await w.find('#send-time').setValue('09:05');
    expect(w.find('[data-testid=arrival]').text()).toMatch(/Arrives .* at 09:05/);
    await w.find('form.card-form').trigger('submit');
    await settle();

    expect(w.find('[data-testid=summary-arrival]').text()).toContain('Europe/Paris');
    expect(w.text()).toContain('Ada Lovelace <ada@example.com>');
    // Creating is challenged like an upload: nothing is sent before the check is solved.
    await w.find('form.card-form').trigger('submit');
    await flushPromises();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    expect(w.find('.captcha-stub').text()).toMatch(/anti-spam/);
    await w.find('.captcha-stub').trigger('click');
    await w.find('form.card-form').trigger('submit');
    await flushPromises();
    await settle();

    const post = calls.find((c) => c.method === 'POST')!;
    expect(jsonBody(post)).toEqual({
      designId: 'd1',
      recipientName: 'Ada Lovelace',
      recipientEmail: 'ada@example.com',
      senderName: 'Charles',
      senderEmail: 'charles@example.org',
      sendAt: `${futureDate(7)}T09:05`,
      timeZone: 'Europe/Paris',
      captcha: 'solved-payload',
    });
    expect(router.currentRoute.value.name).toBe('share');
    expect(router.currentRoute.value.hash).toBe(`#share=${created.shareToken}&owner=${created.ownerToken}`);
    expect(w.find('#share-link').element).toHaveProperty('value', 'http://localhost/s/SSS');
    expect(w.find('#owner-link').element).toHaveProperty(
      'value',
      expect.stringContaining(`/cards/card-1/manage#token=${created.ownerToken}`),
    );
    expect(w.find('svg.qr path').attributes('d')).toMatch(/^M\d/);
  });

  it('shows API field errors on the step that owns the field', async () => {
    const handler: Handler = (method, url, init) =>
      method === 'POST'
        ? apiError(400, 'validation_failed', 'Please fix the highlighted fields', [
            { path: ['recipientEmail'], message: 'This domain does not receive mail' },
          ])
        : ok(method, url, init);
    const { w } = await mountAt('/create?design=d1', handler);
    await w.find('form.card-form').trigger('submit');
    await settle();
    await fillPeople(w);
    await w.find('form.card-form').trigger('submit');
    await settle();
    await w.find('#send-date').setValue(futureDate(3));
    await w.find('form.card-form').trigger('submit');
    await settle();
    await w.find('.captcha-stub').trigger('click');
    await w.find('form.card-form').trigger('submit');
    await flushPromises();
    await settle();
    expect(w.find('[data-testid=form-error]').text()).toBe('Please fix the highlighted fields');
    expect(w.find('#recipientEmail-error').text()).toBe('This domain does not receive mail');
    expect(w.find('.stepper li.current').text()).toContain('People');
  });

  it('lets people pick a design when none was given, from the category tabs', async () => {
    const { w, calls } = await mountAt('/create', ok);
    expect(calls[0].url).toBe('/api/v1/designs?category=Birthday');
    const next = w.find('form.card-form button[type=submit]');
    expect(next.attributes('disabled')).toBeDefined();
    await w.findAll('input[type=radio]')[1].setValue(true);
    await settle();
    expect(w.find('label.design-tile.selected').text()).toBe('Cake');
    expect(w.find('form.card-form button[type=submit]').attributes('disabled')).toBeUndefined();
    await w.find('form.card-form').trigger('submit');
    await settle();
    expect(w.find('.stepper li.current').text()).toContain('People');
    await w.findAll('.stepper button')[0].trigger('click');
    await settle();
    expect(w.find('label.design-tile.selected').text()).toBe('Cake');
  });
});

describe('gallery', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('lists designs by category, switching with the keyboard', async () => {
    const { w, calls, router } = await mountAt('/', ok);
    expect(w.findAll('a.design-tile')).toHaveLength(2);
    expect(w.find('a.design-tile').attributes('href')).toBe('/create?design=d1');
    const tab = w.find('#tab-birthday');
    expect(tab.attributes('aria-selected')).toBe('true');
    await tab.trigger('keydown', { key: 'ArrowRight' });
    await settle();
    expect(router.currentRoute.value.query.category).toBe('Farewell');
    expect(calls.at(-1)!.url).toBe('/api/v1/designs?category=Farewell');
    expect(w.find('#tab-farewell').attributes('tabindex')).toBe('0');
    await w.find('#tab-farewell').trigger('keydown', { key: 'End' });
    await settle();
    expect(router.currentRoute.value.query.category).toBe('uploads');
  });

  it('shows an error with a retry when the designs cannot load', async () => {
    let fail = true;
    const { w } = await mountAt('/', (m, u, i) => (fail ? { status: 503 } : ok(m, u, i)));
    expect(w.find('[role=alert]').text()).toMatch(/server had a problem/);
    fail = false;
    await w.find('[role=alert] button').trigger('click');
    await settle();
    expect(w.findAll('a.design-tile')).toHaveLength(2);
  });
});

describe('when step', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('warns at once about a time skipped by daylight saving', async () => {
    const w = mount(WhenFields, {
      props: { modelValue: { date: '2027-03-28', time: '02:30', timeZone: 'Europe/Berlin' } },
    });
    expect(w.find('[data-testid=arrival]').text()).toMatch(/does not exist on that day in Europe\/Berlin/);
    await w.setProps({ modelValue: { date: '2027-03-28', time: '03:30', timeZone: 'Europe/Berlin' } });
    expect(w.find('[data-testid=arrival]').text()).toMatch(/^Arrives .*2027 at 03:30/);
  });
});
