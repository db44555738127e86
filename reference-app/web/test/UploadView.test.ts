import { flushPromises, mount } from '@vue/test-utils';
import UploadView from '../src/views/UploadView.vue';
import { LIMITS } from '../src/lib/validation';
import { CaptchaStub, apiError, captchaResets as resets, mockFetch, testRouter, type Handler } from './helpers';

function file(name: string, type: string, size: number) {
  return new File([new Uint8Array(size)], name, { type });
}

async function setup(handler: Handler) {
  const calls = mockFetch(handler);
  const router = testRouter('/upload');
  await router.isReady();
  const w = mount(UploadView, { global: { plugins: [router], stubs: { CaptchaField: CaptchaStub } } });
  return { w, calls };
}

async function pick(w: ReturnType<typeof mount>, f: File) {
  const input = w.find('#upload-file');
  Object.defineProperty(input.element, 'files', { value: [f], configurable: true });
  await input.trigger('change');
  await flushPromises(); // the preview waits for the browser to decode the picture
}

beforeAll(() => {
  // A file whose name starts with "not-" is one the browser cannot decode (text named .jpg).
  URL.createObjectURL = jest.fn((f: Blob) => ((f as File).name.startsWith('not-') ? 'blob:broken' : 'blob:preview-1'));
  URL.revokeObjectURL = jest.fn();
  HTMLImageElement.prototype.decode = function (this: HTMLImageElement) {
    return this.src === 'blob:broken' ? Promise.reject(new Error('EncodingError')) : Promise.resolve();
  };
});
afterEach(() => jest.useRealTimers());

describe('upload page', () => {
  it('checks type and size before uploading anything', async () => {
    const { w, calls } = await setup(() => ({ status: 500 }));
    await pick(w, file('virus.svg', 'image/svg+xml', 100));
    expect(w.find('#upload-file-error').text()).toMatch(/JPEG, PNG, WebP, GIF or AVIF/);
    expect(w.find('[data-testid=upload-preview]').exists()).toBe(false);
    await pick(w, file('huge.jpg', 'image/jpeg', LIMITS.uploadBytes + 1));
    expect(w.find('#upload-file-error').text()).toMatch(/limit is 12 MB/);
    await w.find('form').trigger('submit');
    expect(w.find('#upload-category-error').text()).toMatch(/category/);
    expect(w.find('.captcha-stub').text()).toMatch(/anti-spam/);
    expect(calls).toHaveLength(0);
  });

  it('previews, uploads with the CAPTCHA and polls until the design is ready', async () => {
    jest.useFakeTimers();
    let polls = 0;
    const { w, calls } = await setup((method, url) => {
      if (method === 'POST') return { status: 202, body: { id: 'up-1', status: 'processing' } };
      if (url === '/api/v1/designs/up-1')
        return ++polls < 3
          ? { body: { id: 'up-1', status: 'processing' } }
          : {
              body: {
                id: 'up-1',
                status: 'ready',
                title: 'My cat',
                thumbnailUrl: '/media/up-1-thumb.webp',
                imageUrl: '/media/up-1.webp',
                category: 'birthday',
              },
            };
      return { status: 404 };
    });
    await pick(w, file('cat.png', 'image/png', 2048));
    expect(w.find('[data-testid=upload-preview]').attributes('src')).toBe('blob:preview-1');
    await w.find('#upload-category').setValue('Birthday');
    await w.find('input[value=private]').setValue(true);
    await w.find('.captcha-stub').trigger('click');
    await w.find('form').trigger('submit');
    await flushPromises();

    const post = calls[0];
    expect(post.method).toBe('POST');
    const form = post.init.body as FormData;
    expect(form.get('category')).toBe('Birthday');
    expect(form.get('visibility')).toBe('private');
    expect(form.get('captcha')).toBe('solved-payload');
    expect((form.get('file') as File).name).toBe('cat.png');
    expect(w.text()).toContain('Processing your picture');

    for (let i = 0; i < 3; i++) await jest.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(polls).toBe(3);
    expect(w.find('[data-testid=upload-thumbnail]').attributes('src')).toBe('/media/up-1-thumb.webp');
    expect(w.text()).toContain('It is private');
    expect(w.find('a.btn-primary').attributes('href')).toBe('/create?design=up-1');
  });

  it('tells the uploader a public design waits for review before it reaches the gallery', async () => {
    jest.useFakeTimers();
    const ready = { id: 'up-3', status: 'ready', visibility: 'public', title: 't', thumbnailUrl: '/t.jpg' };
    const { w } = await setup((method) =>
      method === 'POST'
        ? { status: 202, body: { id: 'up-3', status: 'processing' } }
        : { body: { ...ready, moderation: 'pending' } },
    );
    await pick(w, file('cat.jpg', 'image/jpeg', 10));
    await w.find('#upload-category').setValue('Wedding');
    await w.find('.captcha-stub').trigger('click');
    await w.find('form').trigger('submit');
    await flushPromises();
    await jest.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(w.find('[data-testid=upload-review]').text()).toMatch(/once a moderator approves it/);
    expect(w.text()).not.toMatch(/It now appears in the gallery/);
  });

  it('shows the rejection reason', async () => {
    jest.useFakeTimers();
    const { w } = await setup((method) =>
      method === 'POST'
        ? { status: 202, body: { id: 'up-2', status: 'processing' } }
        : { body: { id: 'up-2', status: 'rejected', reason: 'The image is larger than 40 megapixels.' } },
    );
    await pick(w, file('big.jpg', 'image/jpeg', 10));
    await w.find('#upload-category').setValue('Wedding');
    await w.find('.captcha-stub').trigger('click');
    await w.find('form').trigger('submit');
    await flushPromises();
    await jest.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(w.find('[data-testid=upload-rejected]').text()).toBe('The image is larger than 40 megapixels.');
  });

  it('says a file that does not decode is not an image, before any upload, with no preview', async () => {
    const { w, calls } = await setup(() => ({ status: 500 }));
    await pick(w, file('not-a-photo.jpg', 'image/jpeg', 100));
    expect(w.find('#upload-file-error').text()).toBe(
      'This file is not an image. Choose a JPEG, PNG, WebP, GIF or AVIF picture.',
    );
    expect(w.find('[data-testid=upload-preview]').exists()).toBe(false);
    await w.find('#upload-category').setValue('Birthday');
    await w.find('.captcha-stub').trigger('click');
    await w.find('form').trigger('submit');
    expect(calls).toHaveLength(0);
    // A real picture next clears it.
    await pick(w, file('cat.png', 'image/png', 10));
    expect(w.find('#upload-file-error').exists()).toBe(false);
    expect(w.find('[data-testid=upload-preview]').exists()).toBe(true);
  });

  it("shows the server's refusal of a file once, as a sentence, and keeps the CAPTCHA solved", async () => {
    resets.mockClear();
    const { w } = await setup(() =>
      apiError(422, 'dimensions_too_large', 'the image is 10001x10; the largest side may be 10000 pixels'),
    );
    await pick(w, file('wide.png', 'image/png', 10));
    await w.find('#upload-category').setValue('Birthday');
    await w.find('.captcha-stub').trigger('click');
    await w.find('form').trigger('submit');
    await flushPromises();
    expect(w.find('#upload-file-error').text()).toBe('The image is 10001x10; the largest side may be 10000 pixels.');
    expect(w.find('[data-testid=upload-error]').exists()).toBe(false);
    expect(w.text().match(/largest side/gi)).toHaveLength(1);
    expect(resets).not.toHaveBeenCalled();
  });

  it('shows a refused CAPTCHA next to it and asks for a fresh solution', async () => {
    resets.mockClear();
    const { w } = await setup(() =>
      apiError(403, 'captcha_replayed', 'this CAPTCHA solution was already used; solve a new one'),
    );
    await pick(w, file('a.webp', 'image/webp', 10));
    await w.find('#upload-category').setValue('Thank you');
    await w.find('.captcha-stub').trigger('click');
    await w.find('form').trigger('submit');
    await flushPromises();
    // Once, next to the check, as a sentence.
    expect(w.find('[data-testid=upload-error]').exists()).toBe(false);
    expect(w.find('.captcha-stub').text()).toBe('This CAPTCHA solution was already used; solve a new one.');
    expect(resets).toHaveBeenCalledTimes(1);
  });
});

describe('upload page behind the AWS WAF CAPTCHA', () => {
  const WAF = { provider: 'aws-waf', verifyUrl: '/api/v1/captcha/verify', immunitySeconds: 300 };
  afterEach(() => sessionStorage.clear());

  // The real field this time: it has no widget to stub under the WAF.
  async function back(upload: Handler) {
    const calls = mockFetch((method, url, init) =>
      url === '/api/v1/captcha' ? { body: WAF } : upload(method, url, init),
    );
    const router = testRouter('/upload?verified=1');
    await router.isReady();
    const w = mount(UploadView, { global: { plugins: [router] } });
    await flushPromises();
    await pick(w, file('cat.png', 'image/png', 10));
    await w.find('#upload-category').setValue('Birthday');
    await w.find('form').trigger('submit');
    await flushPromises();
    return { w, calls };
  }

  it('uploads once the person is back from the check', async () => {
    const { w, calls } = await back(() => ({ status: 202, body: { id: 'up-3', status: 'processing' } }));
    const post = calls.find((c) => c.method === 'POST')!;
    expect((post.init.body as FormData).get('captcha')).toBe('aws-waf');
    expect(w.text()).toContain('Processing your picture');
    w.unmount();
  });

  it('asks to verify again when the WAF stops the upload', async () => {
    const { w } = await back(() => ({
      status: 405,
      raw: '<html><body>Human verification</body></html>',
      headers: { 'x-amzn-waf-action': 'captcha', 'content-type': 'text/html' },
    }));
    const banner = w.find('[data-testid=upload-error]');
    expect(banner.text()).toMatch(/human check has expired\. Verify you're human again/);
    expect(banner.find('a[data-testid=upload-verify]').attributes('href')).toBe('/api/v1/captcha/verify');
    expect(w.find('[data-error-for=captcha]').text()).toMatch(/human check has expired/);
    expect(w.find('[data-testid=captcha-verify]').exists()).toBe(true);
    expect(w.find('[data-testid=captcha-verified]').exists()).toBe(false);

    // Until the person verifies again, the form does not even try.
    await w.find('form').trigger('submit');
    expect(w.find('[data-error-for=captcha]').text()).toMatch(/anti-spam/);
  });

  it('keeps the check when the upload fails for another reason', async () => {
    const { w } = await back(() => ({ status: 502 }));
    expect(w.find('[data-testid=upload-error]').text()).toMatch(/server had a problem/);
    expect(w.find('[data-testid=upload-verify]').exists()).toBe(false);
    expect(w.find('[data-testid=captcha-verified]').exists()).toBe(true);
  });
});
