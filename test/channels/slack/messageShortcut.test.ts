import { ASK_SHORTCUT } from '../../../src/channels/slack/listeners/messageShortcut';
import { newTs } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';

type Block = { type: string; text?: { text: string }; elements?: Array<{ text?: string | { text: string } }> };

interface ShortcutOptions {
  text?: string;
  user?: string;
  channel?: string;
  threadTs?: string;
  actionTs?: string;
}

/** "Ask whosecures" picked on a message, as Slack sends it (form-encoded `payload`). */
function messageShortcut(options: ShortcutOptions = {}): { body: string; messageTs: string } {
  const messageTs = newTs();
  const payload = {
    type: 'message_action',
    token: 'deprecated',
    action_ts: options.actionTs ?? newTs(),
    team: { id: 'T0TEST', domain: 'test' },
    user: { id: options.user ?? 'UASKER1', username: 'asker', team_id: 'T0TEST', name: 'asker' },
    channel: { id: options.channel ?? 'C0CHAN', name: 'general' },
    is_enterprise_install: false,
    callback_id: ASK_SHORTCUT,
    trigger_id: '1.2.3',
    response_url: 'http://127.0.0.1:9/unused',
    message_ts: messageTs,
    message: { type: 'message', user: 'U0AUTHOR', ts: messageTs, text: options.text ?? 'who patches the guest OS on EC2?', ...(options.threadTs ? { thread_ts: options.threadTs } : {}) },
  };
  return { body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), messageTs };
}

const contextText = (block: Block) => String((block.elements?.[0] as { text?: string } | undefined)?.text ?? '');

describe('Slack "Ask whosecures" message shortcut', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => bed.close());
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  const pick = (options: ShortcutOptions = {}) => {
    const s = messageShortcut(options);
    return postToSlackEndpoint(bed.app.baseUrl, s.body).then((res) => ({ res, messageTs: s.messageTs }));
  };

  it('answers the message in its thread, saying who asked, through the outbox and the question log', async () => {
    const { res, messageTs } = await pick();
    expect(res.status).toBe(200);
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(post.args.channel).toBe('C0CHAN');
    expect(post.args.thread_ts).toBe(messageTs);
    const blocks = post.args.blocks as Block[];
    expect(blocks[0].text!.text).toMatch(/^You · .*EC2/);
    expect(contextText(blocks[1])).toBe('<@UASKER1> asked me about this message');
    expect(String(post.args.unfurl_links)).toBe('false');
    await bed.fake.waitFor(() => bed.app.logs.some((l) => l.event === 'slack_asked' && l.origin === 'shortcut'));
    // Audited like a mention: the question is in the log under the asker's hashed id.
    const store = bed.app.app.store;
    const logged = (await store.listQuestions(new Date(Date.now() - 60_000))).filter((q) => q.question === 'who patches the guest OS on EC2?');
    expect(logged.map((q) => q.userHash)).toContain(store.hashUserId('slack', 'UASKER1'));
  });

  it('a reply inside a thread is answered in that thread', async () => {
    const parent = newTs();
    await pick({ threadTs: parent, text: 'is encrypting S3 on me?' });
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(post.args.thread_ts).toBe(parent);
  });

  it('uses only the message text, escaped like a mention: no ping, no link, no mention out of it', async () => {
    await pick({ text: '<!channel> <@U0VICTIM> who patches the guest OS on EC2? see <https://evil.example/x|here> &lt;b&gt;' });
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    const texts = allTexts(post.args.blocks).join('\n') + String(post.args.text);
    expect(texts).not.toContain('<!channel>');
    expect(texts).not.toContain('<@U0VICTIM>');
    expect(texts).not.toContain('evil.example');
    expect(texts.match(/<@/g)).toHaveLength(1); // only the asker, in the line built by code
  });

  it('when the bot is not in the channel, the asker gets the answer in a DM with how to add the bot', async () => {
    bed.fake.script('chat.postMessage', { body: { ok: false, error: 'not_in_channel' } });
    bed.fake.script('conversations.open', { body: { ok: true, channel: { id: 'D0ASKER1' } } });
    await pick({ channel: 'C0PRIVATE' });
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);
    expect(posts[0].args.channel).toBe('C0PRIVATE');
    expect(posts[1].args.channel).toBe('D0ASKER1');
    expect(bed.fake.callsTo('conversations.open')[0].args.users).toBe('UASKER1');
    const intro = contextText((posts[1].args.blocks as Block[])[1]);
    expect(intro).toMatch(/in <#C0PRIVATE>, but I am not a member there, so only you see this answer/);
    expect(intro).toContain('`/invite @whosecures`');
    expect((posts[1].args.blocks as Block[])[0].text!.text).toMatch(/EC2/);
  });

  it('a message without text gets a private note, not an answer', async () => {
    await pick({ text: '' });
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    expect(eph.args.user).toBe('UASKER1');
    expect(String(eph.args.text)).toMatch(/no text I can read/);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('the same shortcut delivered to two replicas (or twice) is answered once', async () => {
    const actionTs = newTs();
    const s = messageShortcut({ actionTs });
    await Promise.all([postToSlackEndpoint(bed.app.baseUrl, s.body), postToSlackEndpoint(bed.app.baseUrl, s.body)]);
    await bed.fake.waitForCalls('chat.postMessage');
    await new Promise((r) => setTimeout(r, 300));
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });
});

describe('the shortcut counts against the per-user limit', () => {
  it('past RATE_LIMIT_PER_MINUTE the asker gets the private slow-down note instead of an answer', async () => {
    const bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1' });
    try {
      await postToSlackEndpoint(bed.app.baseUrl, messageShortcut().body);
      await bed.fake.waitForCalls('chat.postMessage');
      await postToSlackEndpoint(bed.app.baseUrl, messageShortcut({ text: 'who patches RDS?' }).body);
      const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
      expect(String(eph.args.text)).toMatch(/You have asked 1 questions in the last minute/);
      expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
    } finally {
      await bed.close();
    }
  });

  it('with MESSAGE_ACTION_ENABLED=false nothing is answered', async () => {
    const bed = await startSlackTestBed({ MESSAGE_ACTION_ENABLED: 'false' });
    try {
      await postToSlackEndpoint(bed.app.baseUrl, messageShortcut().body);
      await new Promise((r) => setTimeout(r, 500));
      expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
    } finally {
      await bed.close();
    }
  });
});
