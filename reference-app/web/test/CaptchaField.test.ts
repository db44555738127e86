import { flushPromises, mount } from '@vue/test-utils';
import { defineComponent, h, ref } from 'vue';
import CaptchaField from '../src/components/CaptchaField.vue';
import { mockFetch, testRouter } from './helpers';

const ALTCHA = { provider: 'altcha', challengeUrl: '/api/v1/captcha/challenge' };
const WAF = { provider: 'aws-waf', verifyUrl: '/api/v1/captcha/verify', immunitySeconds: 300 };

/** The field inside a parent holding its v-model, as on the upload page. */
async function setup(info: unknown, path = '/upload') {
  const calls = mockFetch((_m, url) => (url === '/api/v1/captcha' ? { body: info } : { status: 404 }));
  const router = testRouter(path);
  await router.isReady();
  const model = ref('');
  const field = ref<InstanceType<typeof CaptchaField> | null>(null);
  const Host = defineComponent(
    () => () =>
      h(CaptchaField, { ref: field, modelValue: model.value, 'onUpdate:modelValue': (v: string) => (model.value = v) }),
  );
  const w = mount(Host, { global: { plugins: [router] } });
  await flushPromises();
  return { w, model, field, router, calls };
}

afterEach(() => {
  sessionStorage.clear();
  jest.useRealTimers();
});

describe('CaptchaField with ALTCHA', () => {
  // The widget itself needs Web Workers; here the element is a plain one the test drives.
  beforeAll(() => {
    (globalThis as { $altcha?: unknown }).$altcha = { algorithms: new Map() };
  });

  it('mounts the widget on the challenge URL the API names and passes its solution on', async () => {
    const { w, model, field, calls } = await setup(ALTCHA);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/captcha']);
    const widget = w.find('altcha-widget');
    expect(widget.attributes('challenge')).toBe('/api/v1/captcha/challenge');
    expect(w.find('[data-testid=captcha-verify]').exists()).toBe(false);
    expect(w.text()).not.toContain('Loading the check');

    const reset = jest.fn();
    Object.assign(widget.element, { reset });
    widget.element.dispatchEvent(new CustomEvent('statechange', { detail: { state: 'verified', payload: 'p1' } }));
    expect(model.value).toBe('p1');
    field.value!.reset();
    expect(model.value).toBe('');
    expect(reset).toHaveBeenCalledTimes(1);
  });

  it('says so when the check cannot load', async () => {
    mockFetch(() => ({ status: 500 }));
    const router = testRouter('/upload');
    await router.isReady();
    const w = mount(CaptchaField, { global: { plugins: [router] } });
    expect(w.find('[role=status]').text()).toBe('Loading the check…');
    await flushPromises();
    expect(w.find('[role=alert]').text()).toMatch(/could not load/);
    expect(w.find('[role=status]').exists()).toBe(false);
  });
});

describe('CaptchaField with the AWS WAF', () => {
  it('offers the verify link up front and sends nothing until the person is back', async () => {
    const { w, model } = await setup(WAF);
    const link = w.find('a[data-testid=captcha-verify]');
    expect(link.text()).toBe("Verify you're human");
    expect(link.attributes('href')).toBe('/api/v1/captcha/verify');
    expect(w.find('#captcha-verify-hint').text()).toMatch(/before you choose your picture.*brings you back here/);
    expect(w.find('altcha-widget').exists()).toBe(false);
    expect(w.find('[data-testid=captcha-verified]').exists()).toBe(false);
    expect(model.value).toBe('');
  });

  it('is verified on return, through a reload, until the WAF token runs out', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-06-01T10:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const back = await setup(WAF, '/upload?verified=1');
    expect(back.w.find('[data-testid=captcha-verified]').text()).toMatch(/verified as human.*within 5 minutes/);
    expect(back.w.find('[data-testid=captcha-verify]').exists()).toBe(false);
    expect(back.model.value).toBe('aws-waf');
    // The flag is consumed: the address no longer claims a fresh check.
    expect(back.router.currentRoute.value.fullPath).toBe('/upload');
    back.w.unmount();

    jest.setSystemTime(Date.parse('2026-06-01T10:03:00Z'));
    const reloaded = await setup(WAF, '/upload');
    expect(reloaded.model.value).toBe('aws-waf');
    expect(reloaded.w.find('[data-testid=captcha-verified]').exists()).toBe(true);

    await jest.advanceTimersByTimeAsync(2 * 60_000);
    await flushPromises();
    expect(reloaded.model.value).toBe('');
    expect(reloaded.w.find('[data-testid=captcha-verify]').exists()).toBe(true);
    expect(reloaded.w.find('[data-testid=captcha-notice]').text()).toMatch(/expired/);
    reloaded.w.unmount();

    const later = await setup(WAF, '/upload');
    expect(later.model.value).toBe('');
  });

  it('explains a return without the WAF cookie', async () => {
    sessionStorage.setItem('goodgreets.captcha.wafVerifiedAt', String(Date.now()));
    const { w, model } = await setup(WAF, '/upload?verified=0');
    expect(w.find('[data-testid=captcha-notice]').text()).toMatch(/did not complete.*cookies/);
    expect(w.find('[data-testid=captcha-verify]').exists()).toBe(true);
    expect(model.value).toBe('');
  });

  it('keeps the check after an unrelated failure and drops it when the upload was refused for it', async () => {
    const { w, model, field } = await setup(WAF, '/upload?verified=1');
    expect(field.value!.verifyUrl).toBe('/api/v1/captcha/verify');
    field.value!.reset();
    await flushPromises();
    expect(model.value).toBe('aws-waf');
    field.value!.reset(true);
    await flushPromises();
    expect(model.value).toBe('');
    expect(w.find('[data-testid=captcha-verify]').exists()).toBe(true);
    w.unmount();
    expect((await setup(WAF, '/upload')).model.value).toBe('');
  });
});
