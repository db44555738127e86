/**
 * The Slack stand-in over real sockets: the router's own Block Kit message sent by its real Slack
 * client, and an Alertmanager-shaped attachments post, are stored, listed and shown escaped; the
 * Web API half threads, edits and refuses like Slack.
 */
import { renderSlack, sendSlack, startSlackStandin, type SlackStandin } from '../src';
import { fixtureEvent } from './helpers/fixtures';

describe('Slack stand-in', () => {
  let standin: SlackStandin;
  beforeEach(async () => {
    standin = await startSlackStandin();
  });
  afterEach(() => standin.close());

  it("stores the router's Block Kit post and shows its text on the page", async () => {
    const message = renderSlack([fixtureEvent('eventbridge-alarm.json')]);
    await sendSlack(`${standin.url}/services/page`, message, { deadline: Date.now() + 5000 });
    const listed = (await (await fetch(`${standin.url}/messages`)).json()) as { path: string; payload: unknown }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ path: '/services/page', payload: JSON.parse(JSON.stringify(message)) });
    const html = await (await fetch(standin.url)).text();
    const headline = message.blocks.find((b) => b.type === 'header') as { text: { text: string } } | undefined;
    expect(headline).toBeDefined();
    expect(html).toContain(headline!.text.text.replace(/&/g, '&#38;').replace(/</g, '&#60;').replace(/>/g, '&#62;'));
  });

  it('shows Alertmanager attachments and never renders their markup', async () => {
    const res = await fetch(`${standin.url}/am`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channel: '#goodgreets-page',
        attachments: [
          { title: '[FIRING:1] <script>alert(1)</script>', text: 'burn rate "high"', color: 'danger' },
          { title: 'style', text: 'x', color: 'red;background:url(x)' },
        ],
      }),
    });
    expect(await res.text()).toBe('ok');
    const html = await (await fetch(standin.url)).text();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('[FIRING:1] &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('burn rate &#34;high&#34;');
    expect(html).toContain('#goodgreets-page');
    expect(html).toContain('border-left-color:#d62728');
    expect(html).not.toContain('url(x)');
  });

  it('answers invalid_payload to a body that is not JSON, like Slack', async () => {
    const res = await fetch(`${standin.url}/x`, { method: 'POST', body: '{not json' });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe('invalid_payload');
    expect(standin.posts).toHaveLength(0);
  });

  describe('Web API (chat.postMessage, chat.update)', () => {
    const api = async (method: string, body: object, token = 'xoxb-1') => {
      const res = await fetch(`${standin.url}/api/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it('threads replies under their root and edits in place by channel id, like Slack', async () => {
      const root = await api('chat.postMessage', { channel: '#ops', text: 'root <b>' });
      expect(root.body).toMatchObject({ ok: true, channel: expect.stringMatching(/^C\d+$/) });
      const { channel, ts } = root.body as { channel: string; ts: string };
      expect((await api('chat.postMessage', { channel: 'ops', thread_ts: ts, text: 'reply 1' })).body.ok).toBe(true);
      // Only a root starts a thread, and only in its own channel.
      expect((await api('chat.postMessage', { channel: '#other', thread_ts: ts, text: 'x' })).body).toEqual({
        ok: false,
        error: 'thread_not_found',
      });
      // chat.update takes the id from the answer; a name is not found, nor is an unknown ts.
      expect((await api('chat.update', { channel: '#ops', ts, text: 'y' })).body.error).toBe('channel_not_found');
      expect((await api('chat.update', { channel, ts: '1.000000', text: 'y' })).body.error).toBe('message_not_found');
      expect((await api('chat.update', { channel, ts, text: 'root edited' })).body).toMatchObject({ ok: true, ts });
      const root0 = standin.posts[0];
      expect(root0).toMatchObject({ channelName: '#ops', ts, payload: { text: 'root edited' } });
      expect(root0.edits).toEqual([{ text: 'root <b>' }]);
      const html = await (await fetch(standin.url)).text();
      expect(html).toContain('edited 1×');
      expect(html).toMatch(/root edited[\s\S]*1 reply[\s\S]*reply 1/);
    });

    it('answers auth and content errors with ok:false and keeps nothing', async () => {
      expect((await api('chat.postMessage', { channel: '#ops', text: 'x' }, 'xoxp-user')).body.error).toBe(
        'invalid_auth',
      );
      const none = await fetch(`${standin.url}/api/chat.postMessage`, {
        method: 'POST',
        body: JSON.stringify({ channel: '#ops', text: 'x' }),
      });
      expect(await none.json()).toEqual({ ok: false, error: 'not_authed' });
      expect((await api('chat.postMessage', { channel: '#ops' })).body.error).toBe('no_text');
      expect((await api('chat.delete', { channel: '#ops', text: 'x' })).body.error).toBe('unknown_method');
      expect(standin.posts).toHaveLength(0);
    });
  });
});
