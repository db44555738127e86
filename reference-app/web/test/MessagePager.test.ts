import { mount } from '@vue/test-utils';
import MessagePager from '../src/components/MessagePager.vue';
import CardFlip from '../src/components/CardFlip.vue';
import { design } from './helpers';

const messages = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    name: `Signer ${i + 1}`,
    message: `Message number ${i + 1}`,
    createdAt: '2026-11-30T10:00:00Z',
  }));

describe('MessagePager', () => {
  it('pages 23 messages as 10 + 10 + 3 with working previous/next buttons', async () => {
    const w = mount(MessagePager, { props: { messages: messages(23) } });
    expect(w.findAll('li.message')).toHaveLength(10);
    expect(w.text()).toContain('Page 1 of 3');
    const [prev, next] = w.findAll('.pager-nav button');
    expect(prev.attributes('disabled')).toBeDefined();
    await next.trigger('click');
    await next.trigger('click');
    expect(w.text()).toContain('Page 3 of 3');
    expect(w.findAll('li.message').map((li) => li.find('.message-name').text())).toEqual([
      '— Signer 21',
      '— Signer 22',
      '— Signer 23',
    ]);
    expect(next.attributes('disabled')).toBeDefined();
    await prev.trigger('click');
    expect(w.text()).toContain('Page 2 of 3');
  });

  it('renders messages as text, never as HTML', () => {
    const evil = [
      { name: '<img src=x onerror=alert(1)>', message: '<script>alert(1)</script>\nline two', createdAt: '' },
    ];
    const w = mount(MessagePager, { props: { messages: evil } });
    expect(w.find('script').exists()).toBe(false);
    expect(w.find('img').exists()).toBe(false);
    expect(w.find('.message-text').text()).toContain('<script>alert(1)</script>');
    expect(w.find('.pager-nav').exists()).toBe(false);
  });

  it('shows the text its page gives for no messages (the page knows whether the card is still open)', () => {
    expect(mount(MessagePager, { props: { messages: [], emptyText: 'Be the first!' } }).text()).toBe('Be the first!');
    expect(mount(MessagePager, { props: { messages: [] } }).text()).toBe('No messages yet.');
  });

  it('jumps to the newest page when a message was just added, also onto an existing page', async () => {
    const w = mount(MessagePager, { props: { messages: messages(10), focusLast: true } });
    await w.setProps({ messages: messages(11) });
    expect(w.text()).toContain('Page 2 of 2');
    await w.findAll('.pager-nav button')[0].trigger('click');
    expect(w.text()).toContain('Page 1 of 2');
    await w.setProps({ messages: messages(12) });
    expect(w.text()).toContain('Page 2 of 2');
    expect(w.findAll('li.message')).toHaveLength(2);
  });

  it('keeps the reader on their page when others sign meanwhile', async () => {
    const w = mount(MessagePager, { props: { messages: messages(12) } });
    await w.setProps({ messages: messages(13) });
    expect(w.text()).toContain('Page 1 of 2');
  });
});

describe('CardFlip', () => {
  it('flips between the design and the messages and hides the other face from assistive tech', async () => {
    const w = mount(CardFlip, {
      props: { design: design('d1'), messages: messages(2), recipientName: 'Ada', senderName: 'Bob' },
    });
    const front = w.find('.card-front');
    const back = w.find('.card-back');
    expect(front.find('img').attributes('src')).toBe('/media/d1.webp');
    expect(back.attributes('aria-hidden')).toBe('true');
    expect(back.attributes('inert')).toBeDefined();
    await w.find('button.flip-btn').trigger('click');
    expect(w.find('.card3d').classes()).toContain('flipped');
    expect(w.find('.card-front').attributes('aria-hidden')).toBe('true');
    expect(w.find('.card-back').attributes('aria-hidden')).toBeUndefined();
    expect(w.emitted('update:flipped')?.[0]).toEqual([true]);
  });
});
