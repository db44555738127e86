/**
 * The Slack stand-in over real sockets: the router's own Block Kit message sent by its real Slack
 * client, and an Alertmanager-shaped attachments post, are stored, listed and shown escaped.
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
});
