import { directMessage, eventCallback, mention, newTs } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, useSlackTestBed, type SlackTestBed } from './slackTestApp';

describe('Slack events over HTTP (app_mention, message.im)', () => {
  const bed = useSlackTestBed();

  it('answers a mention in the thread of the mention, with blocks, a text fallback and unfurling off', async () => {
    const body = mention('who patches the guest OS on EC2?');
    const res = await postToSlackEndpoint(bed.app.baseUrl, body);
    expect(res.status).toBe(200);
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    const event = body.event as { ts: string };
    expect(post.args.channel).toBe('C0CHAN');
    expect(post.args.thread_ts).toBe(event.ts);
    expect(post.args.unfurl_links).toBe('false');
    expect(post.args.unfurl_media).toBe('false');
    expect(post.args.link_names).toBeUndefined();
    expect(post.args.parse).toBeUndefined();
    expect(String(post.args.text)).toMatch(/You/);
    const blocks = post.args.blocks as Array<{ type: string; text?: { text: string } }>;
    expect(blocks[0].type).toBe('header');
    expect(blocks[0].text?.text).toMatch(/^You · .*EC2/);
    expect(allTexts(blocks).join('\n')).toMatch(/\*Sources\*/);
    expect(post.authorization).toBe('Bearer xoxb-test-bot-token-sentinel-9d41');
  });

  it('keeps the thread context for a follow-up mention ("and for RDS?")', async () => {
    const first = mention('who patches the guest OS on EC2?');
    await postToSlackEndpoint(bed.app.baseUrl, first);
    await bed.fake.waitForCalls('chat.postMessage', 1);
    const root = (first.event as { ts: string }).ts;
    await postToSlackEndpoint(bed.app.baseUrl, mention('and for RDS?', { thread_ts: root }));
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);
    expect(posts[1].args.thread_ts).toBe(root);
    const header = (posts[1].args.blocks as Array<{ text?: { text: string } }>)[0].text?.text ?? '';
    expect(header).toMatch(/RDS/);
    expect(header).toMatch(/patch/i);
  });

  it('answers a direct message at the top level, and a follow-up DM without a mention keeps its context', async () => {
    await postToSlackEndpoint(bed.app.baseUrl, directMessage('who patches the guest OS on EC2?'));
    const [first] = await bed.fake.waitForCalls('chat.postMessage', 1);
    expect(first.args.channel).toBe('D0DM');
    expect(first.args.thread_ts).toBeUndefined();
    await postToSlackEndpoint(bed.app.baseUrl, directMessage('and for RDS?'));
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);
    expect((posts[1].args.blocks as Array<{ text?: { text: string } }>)[0].text?.text).toMatch(/RDS/);
  });

  it('ignores its own messages, other bots and message edits', async () => {
    const ignored = [
      directMessage('who patches EC2?', { user: 'UBOT', bot_id: 'BBOT' }),
      directMessage('who patches EC2?', { user: 'UOTHERBOT', bot_id: 'BOTHER' }),
      directMessage('who patches EC2?', { subtype: 'bot_message', bot_id: 'BOTHER' }),
      directMessage('who patches EC2?', { subtype: 'message_changed' }),
      mention('who patches EC2?', { bot_id: 'BOTHER', user: 'UOTHERBOT' }),
    ];
    for (const body of ignored) expect((await postToSlackEndpoint(bed.app.baseUrl, body)).status).toBe(200);
    // A real question afterwards is answered, and it is the only post.
    await postToSlackEndpoint(bed.app.baseUrl, directMessage('who patches the guest OS on EC2?'));
    await bed.fake.waitForCalls('chat.postMessage', 1);
    await postToSlackEndpoint(bed.app.baseUrl, directMessage('who encrypts EBS volumes?'));
    await bed.fake.waitForCalls('chat.postMessage', 2);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(2);
  });

  it('never pings anyone: <!channel>, <!here>, <!everyone> and <@U…> in a question come back escaped', async () => {
    await postToSlackEndpoint(
      bed.app.baseUrl,
      mention('<!channel> <!here> <!everyone> <@U0VICTIM> &lt;!channel&gt; who secures the zorblatt <https://evil.example/x|click>?'),
    );
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    const texts = [String(post.args.text), ...allTexts(post.args.blocks)];
    for (const t of texts) {
      expect(t).not.toMatch(/<!(channel|here|everyone)/);
      expect(t).not.toMatch(/<@U0VICTIM>/);
      expect(t).not.toMatch(/evil\.example/);
    }
  });

  it('never answers one event twice: retries and re-deliveries of a claimed event are dropped', async () => {
    const body = mention('who patches the guest OS on EC2?');
    const results = await Promise.all([
      postToSlackEndpoint(bed.app.baseUrl, body),
      postToSlackEndpoint(bed.app.baseUrl, body, { retryNum: 1, retryReason: 'http_timeout' }),
    ]);
    expect(results.map((r) => r.status)).toEqual([200, 200]);
    await bed.fake.waitForCalls('chat.postMessage', 1);
    expect((await postToSlackEndpoint(bed.app.baseUrl, body, { retryNum: 2 })).status).toBe(200);
    // The drop is visible in metrics; wait for it rather than for time to pass.
    await waitForMetric(bed, /whosecures_retries_dropped_total\{platform="slack"\} 2/);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('answers a retry whose first delivery never got through', async () => {
    const body = mention('who patches the guest OS on EC2?');
    // The first delivery fails verification (as if it never arrived intact) ...
    expect((await postToSlackEndpoint(bed.app.baseUrl, body, { secret: 'wrong-secret' })).status).toBe(401);
    // ... and Slack's retry is answered.
    expect((await postToSlackEndpoint(bed.app.baseUrl, body, { retryNum: 1, retryReason: 'http_error' })).status).toBe(200);
    await bed.fake.waitForCalls('chat.postMessage', 1);
    expect(bed.app.logs.some((l) => l.event === 'slack_retry_received' && l.retryNum === 1)).toBe(true);
  });

  it('treats an empty mention as a request for help', async () => {
    await postToSlackEndpoint(bed.app.baseUrl, eventCallback({ type: 'app_mention', user: 'UASKER1', text: '<@UBOT>', ts: newTs(), channel: 'C0CHAN' }));
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(allTexts(post.args.blocks).join('\n')).toMatch(/What I can answer/);
  });
});

async function waitForMetric(bed: SlackTestBed, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const text = await (await fetch(`${bed.app.baseUrl}/metrics`)).text();
    if (pattern.test(text)) return;
    if (Date.now() > deadline) throw new Error(`metric ${pattern} not seen`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
