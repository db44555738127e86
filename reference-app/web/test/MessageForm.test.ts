import { mount } from '@vue/test-utils';
import MessageForm from '../src/components/MessageForm.vue';
import { ApiError } from '../src/lib/api';
import { LIMITS } from '../src/lib/validation';
import { settle } from './helpers';

function setup(submit = jest.fn(async () => undefined)) {
  const w = mount(MessageForm, { props: { submit }, attachTo: document.body });
  return { w, submit };
}

describe('MessageForm', () => {
  afterEach(() => (document.body.innerHTML = ''));

  it('shows errors next to the fields and does not preview invalid input', async () => {
    const { w, submit } = setup();
    await w.find('#signer-name').setValue('x'.repeat(40));
    await w.find('form').trigger('submit');
    expect(w.find('#signer-name-error').text()).toMatch(/32/);
    expect(w.find('#signer-message-error').text()).toMatch(/Write a message/);
    expect(w.find('#signer-name').attributes('aria-invalid')).toBe('true');
    expect(w.find('#signer-name').attributes('aria-describedby')).toContain('signer-name-error');
    expect(w.find('[data-testid=message-preview]').exists()).toBe(false);
    expect(submit).not.toHaveBeenCalled();
  });

  it('counts as the API does: decomposed accents count once, and a name at the limit is not cut short', async () => {
    const { w, submit } = setup();
    // 32 letters typed as letter + combining accent: 64 UTF-16 units, 32 characters after NFC.
    const name = 'e\u0301'.repeat(32);
    await w.find('#signer-name').setValue(name);
    expect(w.find('#signer-name').attributes('maxlength')).toBeUndefined();
    await w.find('#signer-message').setValue('  ' + 'a\u0308'.repeat(10) + '  ');
    expect(w.text()).toMatch(new RegExp(`${LIMITS.message - 10} characters left`));
    await w.find('form').trigger('submit');
    expect(w.find('#signer-name-error').exists()).toBe(false);
    await w.find('form').trigger('submit');
    await settle();
    expect(submit).toHaveBeenCalledWith({ name: name.normalize('NFC'), message: 'ä'.repeat(10) });
  });

  it('previews, then confirms with trimmed values', async () => {
    const { w, submit } = setup();
    await w.find('#signer-name').setValue('  Zoë ');
    await w.find('#signer-message').setValue('Happy birthday!\n5 < 6 & 7 > 2  ');
    await w.find('form').trigger('submit');
    const preview = w.find('[data-testid=message-preview]');
    expect(preview.find('.message-text').text()).toBe('Happy birthday!\n5 < 6 & 7 > 2');
    expect(submit).not.toHaveBeenCalled();
    await w.find('form').trigger('submit');
    await settle();
    expect(submit).toHaveBeenCalledWith({ name: 'Zoë', message: 'Happy birthday!\n5 < 6 & 7 > 2' });
    expect(w.emitted('sent')).toHaveLength(1);
    expect((w.find('#signer-message').element as HTMLTextAreaElement).value).toBe('');
  });

  it('refuses markup the way the API does, before any request', async () => {
    const { w, submit } = setup();
    await w.find('#signer-name').setValue('Zoë');
    await w.find('#signer-message').setValue('<script>alert(1)</script>');
    await w.find('form').trigger('submit');
    expect(w.find('#signer-message-error').text()).toMatch(/plain text/);
    await w.find('#signer-message').setValue('Nice <img src=x onerror=alert(1)>');
    await w.find('form').trigger('submit');
    expect(w.find('#signer-message-error').text()).toMatch(/plain text/);
    expect(submit).not.toHaveBeenCalled();
  });

  it('accepts text that only looks like markup: comparisons and entities are shown as typed', async () => {
    for (const message of ['a < b and c > d', 'Use &amp; here', '3 < 5']) {
      const { w } = setup();
      await w.find('#signer-name').setValue('Zoë');
      await w.find('#signer-message').setValue(message);
      await w.find('form').trigger('submit');
      expect(w.find('#signer-message-error').exists()).toBe(false);
      expect(w.find('[data-testid=message-preview]').text()).toContain(message);
    }
  });

  it('says the card has gone and keeps the words to copy when it closes while they are written', async () => {
    const { w } = setup();
    await w.find('#signer-message').setValue('Half a thought');
    expect(w.emitted('dirty')?.at(-1)).toEqual([true]);
    await w.setProps({ closed: 'its send time came, and it is being sent.' });
    expect(w.find('[data-testid=message-closed]').attributes('role')).toBe('alert');
    expect(w.find('[data-testid=message-closed]').text()).toMatch(/The card has gone: its send time came/);
    expect((w.find('#signer-message-kept').element as HTMLTextAreaElement).value).toBe('Half a thought');
    expect(w.find('#signer-message').exists()).toBe(false);
  });

  it('can go back from the preview to edit', async () => {
    const { w } = setup();
    await w.find('#signer-name').setValue('Zoë');
    await w.find('#signer-message').setValue('Hi');
    await w.find('form').trigger('submit');
    await w
      .findAll('button')
      .find((b) => b.text() === 'Edit')!
      .trigger('click');
    expect((w.find('#signer-message').element as HTMLTextAreaElement).value).toBe('Hi');
  });

  it('puts API field errors back next to the field', async () => {
    const submit = jest.fn(async () => {
      throw new ApiError(400, 'validation_failed', 'Your message could not be added', {
        message: 'Links are not allowed',
      });
    });
    const { w } = setup(submit);
    await w.find('#signer-name').setValue('Zoë');
    await w.find('#signer-message').setValue('see http://spam');
    await w.find('form').trigger('submit');
    await w.find('form').trigger('submit');
    await settle();
    expect(w.find('[data-testid=message-form-error]').text()).toBe('Your message could not be added');
    expect(w.find('#signer-message-error').text()).toBe('Links are not allowed');
  });

  it('reports a card that was sent meanwhile (409) without losing the text', async () => {
    const submit = jest.fn(async () => {
      throw new ApiError(409, 'card_sent', 'This card was already sent.');
    });
    const { w } = setup(submit);
    await w.find('#signer-name').setValue('Zoë');
    await w.find('#signer-message').setValue('Too late?');
    await w.find('form').trigger('submit');
    await w.find('form').trigger('submit');
    await settle();
    expect(w.find('[role=alert]').text()).toBe('This card was already sent.');
    expect(w.find('[data-testid=message-preview]').text()).toContain('Too late?');
  });
});
