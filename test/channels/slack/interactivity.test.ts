import { ACTION, encodeFeedbackValue } from '../../../src/channels/slack/actionIds';
import { blockAction, mention, slashCommand } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';

type Block = { type: string; block_id?: string; text?: { text: string }; elements?: Array<{ action_id?: string; value?: string; text?: { text: string } }> };

describe('Slack slash command and buttons', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    await bed.close();
  });
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  const command = (text: string) => postToSlackEndpoint(bed.app.baseUrl, slashCommand(text, bed.fake.responseUrl('cmd')));
  const click = (actionId: string, value: string, options: Partial<Parameters<typeof blockAction>[2]> = {}) =>
    postToSlackEndpoint(bed.app.baseUrl, blockAction(actionId, value, { responseUrl: bed.fake.responseUrl('action'), ...options }));
  const buttons = (blocks: unknown) => (blocks as Block[]).flatMap((b) => b.elements ?? []).filter((e) => e.action_id);

  it('/whosecures <question> acks at once and answers ephemerally with a Share in channel button', async () => {
    const res = await command('who patches the guest OS on EC2?');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    expect(eph.args.channel).toBe('C0CHAN');
    expect(eph.args.user).toBe('UASKER1');
    const ids = buttons(eph.args.blocks).map((b) => b.action_id);
    expect(ids).toEqual(expect.arrayContaining([ACTION.share, ACTION.helpful, ACTION.notHelpful]));
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it.each([['help'], [''], ['   ']])('/whosecures %p lists what it can do', async (text) => {
    await command(text);
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    expect(allTexts(eph.args.blocks).join('\n')).toMatch(/What I can answer/);
  });

  it('/whosecures compare ec2 rds lambda patching gives one compact line per service', async () => {
    await command('compare ec2 rds lambda patching');
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    const text = allTexts(eph.args.blocks).join('\n');
    const lines = text.split('\n').filter((l) => l.startsWith('• *'));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/EC2\*: You/);
    for (const line of lines) expect(line.length).toBeLessThan(200);
  });

  it('falls back to the response_url when the bot is not in the channel', async () => {
    bed.fake.script('chat.postEphemeral', { body: { ok: false, error: 'channel_not_found' } });
    await command('who patches the guest OS on EC2?');
    const [viaUrl] = await bed.fake.waitForCalls('response_url');
    expect(viaUrl.args.response_type).toBe('ephemeral');
    expect(buttons(viaUrl.args.blocks).map((b) => b.action_id)).toContain(ACTION.share);
  });

  it('"Share in channel" posts the same answer in the channel, credited by code, and removes the ephemeral copy', async () => {
    await command('who patches the guest OS on EC2?');
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    const share = buttons(eph.args.blocks).find((b) => b.action_id === ACTION.share)!;
    expect((await click(ACTION.share, share.value!, { ephemeral: true })).status).toBe(200);
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(post.args.channel).toBe('C0CHAN');
    expect(allTexts(post.args.blocks).join('\n')).toContain('Shared by <@UASKER1>');
    expect((post.args.blocks as Block[])[0].text?.text).toBe((eph.args.blocks as Block[])[0].text?.text);
    expect(buttons(post.args.blocks).map((b) => b.action_id)).not.toContain(ACTION.share);
    const responses = await bed.fake.waitForCalls('response_url');
    expect(responses[0].args.delete_original).toBe(true);
  });

  it('"Share in channel" on an expired answer says so instead of posting', async () => {
    await click(ACTION.share, 'no-such-answer', { ephemeral: true });
    const [reply] = await bed.fake.waitForCalls('response_url');
    expect(String(reply.args.text)).toMatch(/expired/);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('records Helpful / Not helpful in the store, one vote per user and answer, with the cells', async () => {
    const since = new Date(Date.now() - 1000);
    const value = encodeFeedbackValue('answer-fb-1', ['ec2.os-patching']);
    await click(ACTION.helpful, value);
    await bed.fake.waitForCalls('response_url', 1);
    await click(ACTION.notHelpful, value);
    await bed.fake.waitForCalls('response_url', 2);
    await click(ACTION.helpful, value, { user: 'UOTHER2' });
    await bed.fake.waitForCalls('response_url', 3);
    const rows = (await bed.app.app.store.listFeedback(since)).filter((f) => f.answerId === 'answer-fb-1');
    expect(rows).toHaveLength(2);
    const asker = rows.find((r) => r.userHash === bed.app.app.store.hashUserId('slack', 'UASKER1'))!;
    expect(asker.helpful).toBe(false);
    expect(asker.cells).toEqual(['ec2.os-patching']);
    expect(JSON.stringify(rows)).not.toContain('UASKER1');
    const thanks = bed.fake.callsTo('response_url')[0];
    expect(thanks.args.response_type).toBe('ephemeral');
    expect(thanks.args.replace_original).toBe(false);
  });

  it('a follow-up button on a threaded answer asks its question in that thread, with the thread context', async () => {
    const first = mention('who patches the guest OS on EC2?');
    await postToSlackEndpoint(bed.app.baseUrl, first);
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    const root = (first.event as { ts: string }).ts;
    const followUps = buttons(post.args.blocks).filter((b) => b.action_id?.startsWith(ACTION.followUpPrefix));
    expect(followUps.length).toBeGreaterThan(0);
    await click(followUps[0].action_id!, followUps[0].value!, { messageTs: String(post.response?.ts), threadTs: root });
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);
    expect(posts[1].args.thread_ts).toBe(root);
  });

  it('a follow-up button on an ephemeral answer answers ephemerally again', async () => {
    await click(`${ACTION.followUpPrefix}0`, 'what am I responsible for with RDS?', { ephemeral: true });
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    expect((eph.args.blocks as Block[])[0].text?.text).toMatch(/RDS/);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });
});

describe('Slack Web API 429 and the per-user rate limit', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '2' });
  });
  afterAll(async () => {
    await bed.close();
  });
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  it('retries chat.postMessage after Retry-After and delivers the answer once', async () => {
    bed.fake.script('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
    await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?', { user: 'U0RETRY' }));
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2, 10_000);
    expect(posts).toHaveLength(2);
    expect(posts[1].at - posts[0].at).toBeGreaterThanOrEqual(1000);
    expect(posts[1].args.text).toBe(posts[0].args.text);
    expect(await (await fetch(`${bed.app.baseUrl}/metrics`)).text()).toMatch(/whosecures_errors_total\{component="slack_api_rate_limited"\} 1/);
  });

  it('tells a user over RATE_LIMIT_PER_MINUTE once, privately, and never in the channel', async () => {
    for (let i = 0; i < 5; i++) await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?', { user: 'U0BUSY' }));
    const [notice] = await bed.fake.waitForCalls('chat.postEphemeral', 1);
    await bed.fake.waitForCalls('chat.postMessage', 2);
    await new Promise((r) => setTimeout(r, 1500)); // anything else would have been posted by now
    expect(notice.args).toMatchObject({ channel: 'C0CHAN', user: 'U0BUSY' });
    expect(String(notice.args.text)).toMatch(/asked 2 questions in the last minute/);
    // Two answers (the limit), one private notice for the three over it, nothing public about it.
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(2);
    expect(bed.fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(bed.fake.callsTo('chat.postMessage').map((p) => (p.args.blocks as Block[])[0].text?.text)).not.toContain('Slow down a little');
  });
});
