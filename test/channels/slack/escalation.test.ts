import { load } from 'js-yaml';
import { ACTION, ESCALATION_MODAL } from '../../../src/channels/slack/actionIds';
import { decodeEscalateValue } from '../../../src/channels/slack/escalation/escalateValue';
import { ALREADY_SENT_NOTE, MODAL_BLOCK, MODAL_INPUT, SENT_NOTE } from '../../../src/channels/slack/escalation/renderEscalation';
import type { RecordedCall } from './fakeSlackApi';
import { blockAction, mention, slashCommand } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN } from './signedRequest';
import { NOT_A_CURATOR_NOTE } from '../../../src/channels/slack/curators';
import { describePostgres, postgresStatus, postgresTestDb, type TestDb } from '../../store/helpers/backends';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';

type Element = { action_id?: string; value?: string; text?: { text: string } };
type Block = { type: string; elements?: Element[] };

const CURATORS = 'C0CURATORS';
const buttons = (blocks: unknown) => (blocks as Block[]).flatMap((b) => b.elements ?? []).filter((e) => e.action_id);
const escalateButton = (call: RecordedCall) => buttons(call.args.blocks).find((b) => b.action_id === ACTION.escalate);
const textOf = (call: RecordedCall) => `${allTexts(call.args.blocks).join('\n')}\n${String(call.args.text)}`;

/** A curator's modal submitted, as Slack sends it. */
function viewSubmission(escalationId: string, answer: string, user = 'UCURATOR1'): string {
  const payload = {
    type: 'view_submission',
    team: { id: 'T0TEST', domain: 'test' },
    user: { id: user, username: 'curator', team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    trigger_id: '4.5.6',
    is_enterprise_install: false,
    view: {
      id: 'V0MODAL',
      team_id: 'T0TEST',
      type: 'modal',
      callback_id: ESCALATION_MODAL,
      private_metadata: escalationId,
      hash: 'h1',
      state: { values: { [MODAL_BLOCK]: { [MODAL_INPUT]: { type: 'plain_text_input', value: answer } } } },
    },
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The whole flow through the real app; on PostgreSQL too when TEST_DATABASE_URL is set. */
function escalationSuite(name: string, makeDb?: () => Promise<TestDb>): void {
  describe(`"Ask the security team" with ESCALATION_CHANNEL set (${name})`, () => {
    let bed: SlackTestBed;
    let db: TestDb | undefined;
    beforeAll(async () => {
      db = await makeDb?.();
      const store = db ? await db.open({ resilient: false }) : undefined;
      // UCURATOR1 by id, UCURATOR2 and UCURATOR3 through user groups; S0BROKEN cannot be read.
      bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', ESCALATION_CHANNEL: CURATORS, SLACK_CURATORS: 'UCURATOR1,S0CURATORS,S0SECOND,S0BROKEN' }, store);
      bed.fake.userGroups.set('S0CURATORS', ['UCURATOR2']);
      bed.fake.userGroups.set('S0SECOND', ['UCURATOR3']);
    });
    afterAll(async () => {
      await bed.close();
      await db?.cleanup();
    });
    beforeEach(() => {
      bed.fake.calls.length = 0;
    });

    const send = (body: object | string) => postToSlackEndpoint(bed.app.baseUrl, body);
    const click = (actionId: string, value: string, options: Partial<Parameters<typeof blockAction>[2]> = {}) =>
      send(blockAction(actionId, value, { responseUrl: bed.fake.responseUrl('action'), ...options }));

    /** Mentions the bot and returns its answer post and the thread it is in. */
    async function askInChannel(text: string) {
      const event = mention(text);
      await send(event);
      const [post] = await bed.fake.waitForCalls('chat.postMessage');
      const threadTs = String((event.event as { ts: string }).ts);
      expect(post.args.thread_ts).toBe(threadTs);
      bed.fake.calls.length = 0;
      return { post, threadTs, messageTs: String(post.response!.ts) };
    }

    const curatorPosts = () => bed.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === CURATORS);

    /** Asks in a channel, presses "Ask the security team" and returns the post in the curators' channel and the asker's thread. */
    async function escalatedToCurators(text: string) {
      const { post, threadTs, messageTs } = await askInChannel(text);
      await click(ACTION.escalate, escalateButton(post)!.value!, { messageTs, threadTs });
      await bed.fake.waitFor(() => curatorPosts().length === 1);
      return { toCurators: curatorPosts()[0], threadTs };
    }
    const buttonValue = (post: { args: { blocks?: unknown } }, actionId: string) => buttons(post.args.blocks).find((b) => b.action_id === actionId)!.value!;

    it('every answer, and the not-in-the-knowledge-base reply, carries the button within Slack limits', async () => {
      const { post } = await askInChannel('who patches the guest OS on EC2?');
      const button = escalateButton(post);
      expect(button?.text?.text).toBe('Ask the security team');
      expect(button!.value!.length).toBeLessThanOrEqual(2000);
      expect(decodeEscalateValue(button!.value)).toMatchObject({ question: 'who patches the guest OS on EC2?', verdict: 'customer' });
      const unknown = await askInChannel('who secures the quantum flux capacitor service?');
      expect(escalateButton(unknown.post)).toBeDefined();
    });

    it('the click posts the question to the curators through the outbox, escaped, and tells the asker privately', async () => {
      const { post, threadTs, messageTs } = await askInChannel('<!channel> who patches the guest OS on EC2? <https://evil.example/x|here>');
      const res = await click(ACTION.escalate, escalateButton(post)!.value!, { messageTs, threadTs });
      expect(res.status).toBe(200);
      await bed.fake.waitFor(() => curatorPosts().length === 1 && bed.fake.callsTo('chat.postEphemeral').length === 1);
      const [toCurators] = curatorPosts();
      const text = textOf(toCurators);
      expect(text).toContain('<@UASKER1> asked in <#C0CHAN>');
      expect(text).toContain('guest OS on EC2');
      expect(text).toMatch(/The bot answered:\* You/);
      expect(text).not.toContain('<!channel>');
      expect(text).not.toContain('evil.example');
      expect(text.match(/<[@!]/g)).toHaveLength(1); // only the asker's mention, built by code
      expect(buttons(toCurators.args.blocks).map((b) => b.action_id)).toEqual([ACTION.escalationReply, ACTION.escalationClose]);
      const [note] = bed.fake.callsTo('chat.postEphemeral');
      expect(note.args).toMatchObject({ channel: 'C0CHAN', user: 'UASKER1', thread_ts: threadTs, text: SENT_NOTE });

      const store = bed.app.app.store;
      const [row] = (await store.listEscalations(new Date(Date.now() - 60_000))).filter((e) => e.answerId === decodeEscalateValue(escalateButton(post)!.value)!.answerId);
      expect(row).toMatchObject({ state: 'open', asker: 'UASKER1', channel: 'C0CHAN', threadTs, workspace: 'T0TEST', curatorChannel: CURATORS, curatorTs: toCurators.response!.ts });
    });

    it('a double click (or two replicas taking the click) makes one escalation and one post', async () => {
      const { post, threadTs, messageTs } = await askInChannel('is encrypting S3 on me?');
      const value = escalateButton(post)!.value!;
      await Promise.all([click(ACTION.escalate, value, { messageTs, threadTs }), click(ACTION.escalate, value, { messageTs, threadTs })]);
      await bed.fake.waitFor(() => curatorPosts().length === 1 && bed.fake.callsTo('response_url').length === 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(curatorPosts()).toHaveLength(1);
      expect(bed.fake.callsTo('response_url')[0].args).toMatchObject({ response_type: 'ephemeral', text: ALREADY_SENT_NOTE });
      const answerId = decodeEscalateValue(value)!.answerId;
      expect((await bed.app.app.store.listEscalations(new Date(0))).filter((e) => e.answerId === answerId)).toHaveLength(1);
    });

    it('Reply opens the modal, the submitted answer goes to the asker\u2019s thread and is kept as a proposed change', async () => {
      const { toCurators, threadTs } = await escalatedToCurators('who patches the guest OS on EC2?');
      const replyValue = buttonValue(toCurators, ACTION.escalationReply);
      bed.fake.calls.length = 0;

      // Only the curators' channel counts: the same button value clicked elsewhere opens nothing.
      await click(ACTION.escalationReply, replyValue, { channel: 'C0CHAN', user: 'UCURATOR1', messageTs: String(toCurators.response!.ts) });
      await click(ACTION.escalationReply, replyValue, { channel: CURATORS, user: 'UCURATOR1', messageTs: String(toCurators.response!.ts) });
      const [opened] = await bed.fake.waitForCalls('views.open');
      expect(bed.fake.callsTo('views.open')).toHaveLength(1);
      const view = opened.args.view as { callback_id: string; private_metadata: string; blocks: Array<{ type: string; block_id?: string }> };
      expect(opened.args.trigger_id).toBe('1.2.3');
      expect(view.callback_id).toBe(ESCALATION_MODAL);
      expect(view.private_metadata).toBe(replyValue);
      expect(view.blocks.find((b) => b.type === 'input')?.block_id).toBe(MODAL_BLOCK);

      const empty = await send(viewSubmission(replyValue, '   '));
      expect(JSON.parse(empty.text)).toMatchObject({ response_action: 'errors' });

      bed.fake.calls.length = 0;
      const answer = 'You patch it; use SSM Patch Manager. <!here> see <https://evil.example|this>';
      const submitted = await send(viewSubmission(replyValue, answer));
      expect(submitted.status).toBe(200);
      expect(submitted.text).toBe('');
      await bed.fake.waitFor(() => bed.fake.callsTo('chat.postMessage').length === 1 && bed.fake.callsTo('chat.update').length === 1);
      const [inThread] = bed.fake.callsTo('chat.postMessage');
      expect(inThread.args).toMatchObject({ channel: 'C0CHAN', thread_ts: threadTs });
      const replyText = textOf(inThread);
      expect(replyText).toContain('<@UASKER1>, the security team (<@UCURATOR1>) answered:');
      expect(replyText).toContain('SSM Patch Manager');
      expect(replyText).not.toContain('<!here>');
      expect(replyText).not.toContain('evil.example');
      const [update] = bed.fake.callsTo('chat.update');
      expect(update.args).toMatchObject({ channel: CURATORS, ts: toCurators.response!.ts });
      expect(textOf(update)).toContain('Answered by <@UCURATOR1>');
      expect(buttons(update.args.blocks)).toHaveLength(0);

      const stored = await bed.app.app.store.getEscalation(Number(replyValue));
      expect(stored).toMatchObject({ state: 'answered', curator: 'UCURATOR1', curatorAnswer: answer });
      const proposal = load(stored!.proposal!) as { proposed_change: Record<string, unknown> };
      expect(proposal.proposed_change).toMatchObject({ escalation: Number(replyValue), cell: expect.stringMatching(/^ec2\./), curator_answer: answer, question: 'who patches the guest OS on EC2?' });

      // A second submission (another curator, the same modal twice) is refused, nothing posted.
      bed.fake.calls.length = 0;
      const again = await send(viewSubmission(replyValue, 'another answer', 'UCURATOR2'));
      expect(JSON.parse(again.text)).toMatchObject({ response_action: 'errors', errors: { [MODAL_BLOCK]: '<@UCURATOR1> already answered this one.' } });
      await new Promise((r) => setTimeout(r, 200));
      expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);

      // The curators' gaps list shows it under "Answered by curators", with its YAML, escaped.
      await send(slashCommand('gaps 7d', bed.fake.responseUrl('gaps'), { user_id: 'UCURATOR1', channel_id: CURATORS }));
      const [gaps] = await bed.fake.waitForCalls('chat.postEphemeral');
      const gapsText = textOf(gaps);
      expect(gapsText).toContain('Answered by curators');
      expect(gapsText).toContain(`#${replyValue} "who patches the guest OS on EC2?"`);
      expect(gapsText).toContain('curator_answer: You patch it; use SSM Patch Manager. &lt;!here&gt;');
      expect(gapsText).not.toContain('<!here>');

      const metrics = await (await fetch(`${bed.app.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/whosecures_escalations_total\{state="open"\} [1-9]/);
      expect(metrics).toMatch(/whosecures_escalations_total\{state="answered"\} 1/);
    });

    it('an ephemeral answer (the slash command) escalates too, and the curator reply stays private', async () => {
      await send(slashCommand('who patches the guest OS on EC2?', bed.fake.responseUrl('cmd')));
      const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
      const value = escalateButton(eph)!.value!;
      bed.fake.calls.length = 0;
      await click(ACTION.escalate, value, { ephemeral: true });
      await bed.fake.waitFor(() => curatorPosts().length === 1 && bed.fake.callsTo('chat.postEphemeral').length === 1);
      const replyValue = buttons(curatorPosts()[0].args.blocks).find((b) => b.action_id === ACTION.escalationReply)!.value!;
      bed.fake.calls.length = 0;
      await send(viewSubmission(replyValue, 'Patch it yourself.'));
      const [privately] = await bed.fake.waitForCalls('chat.postEphemeral');
      expect(privately.args).toMatchObject({ channel: 'C0CHAN', user: 'UASKER1' });
      expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
    });

    it('where the bot cannot post privately, the curator\u2019s answer to an ephemeral answer goes to the asker\u2019s DM', async () => {
      await send(slashCommand('who patches the guest OS on EC2?', bed.fake.responseUrl('cmd'), { channel_id: 'C0NOTMEMBER' }));
      const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
      bed.fake.calls.length = 0;
      await click(ACTION.escalate, escalateButton(eph)!.value!, { ephemeral: true, channel: 'C0NOTMEMBER' });
      // The asker's "sent" note comes after the curators' post: both are done before the script.
      await bed.fake.waitFor(() => curatorPosts().length === 1 && bed.fake.callsTo('chat.postEphemeral').length === 1);
      const replyValue = buttons(curatorPosts()[0].args.blocks).find((b) => b.action_id === ACTION.escalationReply)!.value!;
      bed.fake.calls.length = 0;
      bed.fake.script('chat.postEphemeral', { body: { ok: false, error: 'channel_not_found' } });
      bed.fake.script('conversations.open', { body: { ok: true, channel: { id: 'D0ASKER1' } } });
      await send(viewSubmission(replyValue, 'Patch it yourself.'));
      const [dm] = await bed.fake.waitForCalls('chat.postMessage');
      expect(dm.args.channel).toBe('D0ASKER1');
      expect(textOf(dm)).toContain('the security team (<@UCURATOR1>) answered');
    });

    it('a rate-limited post to the curators is retried by the outbox and posted once', async () => {
      const { post, threadTs, messageTs } = await askInChannel('who encrypts RDS snapshots?');
      bed.fake.script('chat.postMessage', { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } });
      await click(ACTION.escalate, escalateButton(post)!.value!, { messageTs, threadTs });
      await bed.fake.waitFor(() => curatorPosts().length === 2 && bed.fake.callsTo('chat.postEphemeral').length === 1, 8000);
      const [refused, sent] = curatorPosts();
      expect(refused.response).toMatchObject({ ok: false });
      expect(sent.response).toMatchObject({ ok: true });
      expect(sent.at - refused.at).toBeGreaterThanOrEqual(900);
      await new Promise((r) => setTimeout(r, 300));
      expect(curatorPosts()).toHaveLength(2);
      expect(bed.fake.callsTo('chat.postEphemeral')).toHaveLength(1);
    });

    it('someone who is not a curator is told so privately by Reply, Close and the form, and nothing changes', async () => {
      const { toCurators } = await escalatedToCurators('who rotates KMS keys?');
      const id = buttonValue(toCurators, ACTION.escalationReply);
      bed.fake.calls.length = 0;

      // In the curators' channel, but not a curator (nor in the curators' group).
      // One click after the other is answered: both are acknowledged before they are handled, so
      // the log's order below is the clicks' only when the first was refused before the second.
      await click(ACTION.escalationReply, id, { channel: CURATORS, user: 'U0BYSTANDER', messageTs: String(toCurators.response!.ts) });
      await bed.fake.waitForCalls('response_url', 1);
      await click(ACTION.escalationClose, id, { channel: CURATORS, user: 'U0BYSTANDER', messageTs: String(toCurators.response!.ts) });
      const notes = await bed.fake.waitForCalls('response_url', 2);
      for (const note of notes) expect(note.args).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: NOT_A_CURATOR_NOTE });
      const submitted = await send(viewSubmission(id, 'I think you do.', 'U0BYSTANDER'));
      expect(JSON.parse(submitted.text)).toEqual({ response_action: 'errors', errors: { [MODAL_BLOCK]: NOT_A_CURATOR_NOTE } });
      await new Promise((r) => setTimeout(r, 300));
      expect(bed.fake.callsTo('views.open')).toHaveLength(0);
      expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
      expect(bed.fake.callsTo('chat.update')).toHaveLength(0);
      expect((await bed.app.app.store.getEscalation(Number(id)))?.state).toBe('open');
      expect(bed.app.logs.filter((l) => l.event === 'slack_curator_refused').map((l) => l.action)).toEqual(['reply', 'close', 'answer']);

      // A member of a curators' user group may: the group was read with the bot token, once.
      await click(ACTION.escalationReply, id, { channel: CURATORS, user: 'UCURATOR3', messageTs: String(toCurators.response!.ts) });
      await bed.fake.waitForCalls('views.open');
      await send(viewSubmission(id, 'You rotate them; enable automatic rotation.', 'UCURATOR3'));
      await bed.fake.waitFor(() => bed.fake.callsTo('chat.postMessage').length === 1);
      expect(await bed.app.app.store.getEscalation(Number(id))).toMatchObject({ state: 'answered', curator: 'UCURATOR3' });
      const second = bed.fake.callsTo('usergroups.users.list').filter((c) => c.args.usergroup === 'S0SECOND');
      expect(second).toHaveLength(1);
      expect(second[0].authorization).toBe(`Bearer ${TEST_BOT_TOKEN}`);
    });

    it('a curators\u2019 group that cannot be read makes nobody a curator through it, asked again each time, and says why in the log', async () => {
      const id = buttonValue((await escalatedToCurators('who patches EKS nodes?')).toCurators, ACTION.escalationClose);
      bed.fake.calls.length = 0;
      // One click after the other: a failed lookup is not kept, the next click asks again.
      await click(ACTION.escalationClose, id, { channel: CURATORS, user: 'U0SOMEONE' });
      await bed.fake.waitForCalls('response_url', 1);
      await click(ACTION.escalationClose, id, { channel: CURATORS, user: 'U0SOMEONE' });
      const notes = await bed.fake.waitForCalls('response_url', 2);
      expect(notes.map((n) => n.args.text)).toEqual([NOT_A_CURATOR_NOTE, NOT_A_CURATOR_NOTE]);
      expect(bed.fake.callsTo('usergroups.users.list').filter((c) => c.args.usergroup === 'S0BROKEN')).toHaveLength(2);
      expect(bed.app.logs.some((l) => l.event === 'slack_curator_group_lookup_failed' && l.group === 'S0BROKEN')).toBe(true);
      expect((await bed.app.app.store.getEscalation(Number(id)))?.state).toBe('open');
    });

    it('Close marks it closed and removes the buttons', async () => {
      const id = buttonValue((await escalatedToCurators('who manages IAM for Lambda?')).toCurators, ACTION.escalationClose);
      bed.fake.calls.length = 0;
      await click(ACTION.escalationClose, id, { channel: CURATORS, user: 'UCURATOR1' });
      const [replaced] = await bed.fake.waitForCalls('response_url');
      expect(replaced.args.replace_original).toBe(true);
      expect(textOf(replaced)).toContain('Closed.');
      expect((await bed.app.app.store.getEscalation(Number(id)))?.state).toBe('closed');
    });
  });

}

escalationSuite('SQLite');
describePostgres('Ask the security team (PostgreSQL)', () => escalationSuite('PostgreSQL', () => postgresTestDb(postgresStatus().url!)));

describe('"Ask the security team" without ESCALATION_CHANNEL', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => bed.close());

  it('no answer carries the button', async () => {
    await postToSlackEndpoint(bed.app.baseUrl, mention('who patches the guest OS on EC2?'));
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(buttons(post.args.blocks).map((b) => b.action_id)).not.toContain(ACTION.escalate);
    expect(buttons(post.args.blocks).length).toBeGreaterThan(0);
  });
});
