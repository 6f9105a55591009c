import { mention } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';
import { useSlackTestBed } from './slackTestApp';

describe('Slack request verification and limits on /slack/events', () => {
  const bed = useSlackTestBed();

  const now = () => Math.floor(Date.now() / 1000);

  it.each([
    ['a wrong signing secret', { secret: 'not-the-secret' }],
    ['a tampered signature', { signature: 'v0=deadbeef' }],
    ['an unknown signature version', { signature: 'v1=abc' }],
    ['a missing signature header', { omit: ['signature' as const] }],
    ['a missing timestamp header', { omit: ['timestamp' as const] }],
    ['a timestamp 301 s old', { timestamp: now() - 301 }],
    ['a timestamp 600 s in the future', { timestamp: now() + 600 }],
  ])('refuses %s with a bare 401 and runs no handler', async (_name, options) => {
    const res = await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'), options);
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    // A valid request afterwards is the only one answered.
    await postToSlackEndpoint(bed.app.baseUrl, mention('who encrypts EBS volumes?'));
    await bed.fake.waitForCalls('chat.postMessage', 1);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });

  it('refuses a tampered body signed for another body', async () => {
    const body = JSON.stringify(mention('who patches the guest OS on EC2?'));
    const ts = now();
    const { signature } = await import('./signedRequest');
    const sig = signature(TEST_SIGNING_SECRET, ts, body);
    const res = await fetch(`${bed.app.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
      body: body.replace('EC2', 'RDS'),
    });
    expect(res.status).toBe(401);
  });

  it('accepts a timestamp 299 s old and one slightly ahead (clock skew)', async () => {
    expect((await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'), { timestamp: now() - 299 })).status).toBe(200);
    expect((await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'), { timestamp: now() + 60 })).status).toBe(200);
    await bed.fake.waitForCalls('chat.postMessage', 2);
  });

  it('answers 400 to signed bodies that are malformed or carry nothing to handle, and keeps serving', async () => {
    expect((await postToSlackEndpoint(bed.app.baseUrl, '{"type": "event_callback", ', { contentType: 'application/json' })).status).toBe(400);
    const empty = await postToSlackEndpoint(bed.app.baseUrl, {});
    expect(empty.status).toBe(400);
    expect(empty.headers.get('x-slack-no-retry')).toBe('1');
    expect((await postToSlackEndpoint(bed.app.baseUrl, { type: 'event_callback', event_id: 'Ev1' })).status).toBe(400);
    expect((await postToSlackEndpoint(bed.app.baseUrl, 'payload=%7Bnot-json', {})).status).toBe(400);
    expect((await fetch(`${bed.app.baseUrl}/healthz`)).status).toBe(200);
  });

  it('answers url_verification with the challenge and ssl_check with 200', async () => {
    const res = await postToSlackEndpoint(bed.app.baseUrl, { type: 'url_verification', challenge: 'c-123', token: 'x' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text)).toEqual({ challenge: 'c-123' });
    expect((await postToSlackEndpoint(bed.app.baseUrl, 'ssl_check=1&token=x', { omit: ['signature'] })).status).toBe(200);
  });

  it('counts app_rate_limited notices and acks them', async () => {
    const res = await postToSlackEndpoint(bed.app.baseUrl, { type: 'app_rate_limited', token: 'x', team_id: 'T0TEST', minute_rate_limited: 1518467820, api_app_id: 'A0TEST' });
    expect(res.status).toBe(200);
    expect(await (await fetch(`${bed.app.baseUrl}/metrics`)).text()).toMatch(/whosecures_errors_total\{component="slack_app_rate_limited"\} 1/);
  });

  it('refuses oversized bodies with 413', async () => {
    const res = await postToSlackEndpoint(bed.app.baseUrl, { type: 'event_callback', padding: 'x'.repeat(1_100_000) });
    expect(res.status).toBe(413);
  });

  it('acks before a slow store or a slow LLM: the ack returns while both are held', async () => {
    const store = bed.app.app.store;
    const assistant = bed.app.app.assistant;
    let releaseStore!: () => void;
    let releaseLlm!: () => void;
    const storeGate = new Promise<void>((r) => (releaseStore = r));
    const llmGate = new Promise<void>((r) => (releaseLlm = r));
    const claim = store.claimEvent.bind(store);
    const claimSpy = jest.spyOn(store, 'claimEvent').mockImplementationOnce(async (key, ttl) => {
      await storeGate;
      return claim(key, ttl);
    });
    const phraseSpy = jest.spyOn(assistant, 'phrase').mockImplementationOnce(async (answer) => {
      await llmGate;
      return { ...answer, phrased: { text: 'Worded by the model: patch <!channel> your instances. http://evil.local/?q=secret', model: 'fake-model' } };
    });
    try {
      const res = await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'));
      expect(res.status).toBe(200);
      expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
      releaseStore();
      const [post] = await bed.fake.waitForCalls('chat.postMessage', 1);
      // The knowledge-base answer is out while the LLM is still working.
      expect(bed.fake.callsTo('chat.update')).toHaveLength(0);
      releaseLlm();
      const [update] = await bed.fake.waitForCalls('chat.update', 1);
      expect(update.args.ts).toBe(post.response?.ts);
      expect(update.args.channel).toBe(post.args.channel);
      const text = JSON.stringify(update.args.blocks);
      expect(text).toContain('Worded by the model: patch &lt;!channel&gt; your instances.');
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('evil.local');
      expect(update.args.unfurl_links).toBeUndefined();
    } finally {
      claimSpy.mockRestore();
      phraseSpy.mockRestore();
      releaseStore();
      releaseLlm();
    }
  });

  it('never writes the bot token or the signing secret to logs or replies', async () => {
    await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'), { secret: 'wrong' });
    await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'));
    await bed.fake.waitForCalls('chat.postMessage');
    const everything = bed.app.logText() + JSON.stringify(bed.fake.calls.map((c) => c.args));
    expect(everything).not.toContain(TEST_BOT_TOKEN);
    expect(everything).not.toContain(TEST_SIGNING_SECRET);
  });
});
