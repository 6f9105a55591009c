import { ACTION } from '../../../src/channels/slack/actionIds';
import { SETTINGS_REFUSAL, NAME_ONLY_NOTE, SETTINGS_USAGE, parseSettingsCommand } from '../../../src/channels/slack/curatorChannels/settingsText';
import { ESCALATION_UNDELIVERED_NOTE, unreachableNote } from '../../../src/channels/slack/curatorChannels/unreachable';
import pino from 'pino';
import { SlackCuratorChannels } from '../../../src/channels/slack/curatorChannels/curatorChannels';
import { isoWeek, queueWorkspaceDigests } from '../../../src/channels/slack/digest/weeklyDigest';
import type { Store } from '../../../src/store/types';
import { SENT_NOTE } from '../../../src/channels/slack/escalation/renderEscalation';
import { homeSettingAction } from '../../../src/channels/slack/home/settingsSection';
import { NO_ESCALATION_CHANNEL_NOTE } from '../../../src/channels/slack/listeners/escalation';
import { startTestApp, type TestApp } from '../../helpers/app';
import { describePostgres, postgresStatus, postgresTestDb, sqliteTestDb, type TestDb } from '../../store/helpers/backends';
import { FakeSlackApi, type RecordedCall } from './fakeSlackApi';
import { installationFor, forTeam, TEST_ENCRYPTION_KEY, TEST_OAUTH_ENV } from './oauthTestBed';
import { blockAction, eventCallback, mention, newTs, slashCommand } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';
import { allTexts } from './slackTestApp';

type Element = { type: string; action_id?: string; value?: string; initial_conversation?: string; filter?: Record<string, unknown> };
type Block = { type: string; block_id?: string; elements?: Element[] };

const silent = pino({ level: 'silent' });
const CURATOR = 'U0CURATOR';
const TOKENS: Record<string, string> = { T0AAA: 'xoxb-team-aaa-token', T0BBB: 'xoxb-team-bbb-token', T0CCC: 'xoxb-team-ccc-token' };
const textOf = (call: RecordedCall) => `${allTexts(call.args.blocks).join('\n')}\n${String(call.args.text ?? '')}`;
const buttons = (blocks: unknown) => (blocks as Block[]).flatMap((b) => b.elements ?? []).filter((e) => e.action_id);

/** What the fake's conversations.info says of each channel to the bot (unlisted: channel_not_found, as a private channel without the bot). */
const CHANNELS: Record<string, Record<string, unknown>> = {
  C0ENVDIG: { is_member: true },
  C0ENVDIGC: { is_member: true },
  C0ENVESC: { is_member: true },
  C0BBBDIG: { is_member: true },
  C0BBBESC: { is_member: true },
  C0CHAN: { is_member: true },
  C0CHANB: { is_member: true },
  C0NOTIN: { is_member: false },
  C0ARCH: { is_member: true, is_archived: true },
};

/** A block action as Slack sends it from `team`'s workspace. */
function inTeam(form: string, team: string): string {
  const payload = JSON.parse(new URLSearchParams(form).get('payload')!) as { team: { id: string }; user: { team_id: string } };
  payload.team = { ...payload.team, id: team };
  payload.user.team_id = team;
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** A pick in a Home tab's conversations_select, or one of its buttons. */
function homeAction(team: string, user: string, action: Record<string, unknown>): string {
  const payload = {
    type: 'block_actions',
    user: { id: user, username: 'someone', team_id: team },
    api_app_id: 'A0TEST',
    team: { id: team, domain: 'test' },
    container: { type: 'view', view_id: 'V0HOME' },
    trigger_id: '1.2.3',
    view: { id: 'V0HOME', type: 'home', private_metadata: JSON.stringify({ dm: 'D0HOME' }), callback_id: '', blocks: [] },
    actions: [{ block_id: 'home_settings', action_ts: newTs(), ...action }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

describe('parseSettingsCommand', () => {
  it('reads a channel as Slack escapes it, its id, here, off and default; a bare name or anything else is not a channel', () => {
    expect(parseSettingsCommand('settings', 'C0HERE')).toEqual({ action: 'show' });
    expect(parseSettingsCommand('settings digest <#C0ABC|curators>', 'C0HERE')).toEqual({ action: 'choose', kind: 'digest', channel: 'C0ABC' });
    expect(parseSettingsCommand('Settings Escalation <#G0OLD>', 'C0HERE')).toEqual({ action: 'choose', kind: 'escalation', channel: 'G0OLD' });
    expect(parseSettingsCommand('settings escalations C0ID', 'C0HERE')).toEqual({ action: 'choose', kind: 'escalation', channel: 'C0ID' });
    expect(parseSettingsCommand('settings digest here', 'C0HERE')).toEqual({ action: 'choose', kind: 'digest', channel: 'C0HERE' });
    expect(parseSettingsCommand('settings digest here', 'D0DM')).toEqual({ action: 'not_a_channel', kind: 'digest' });
    expect(parseSettingsCommand('settings digest OFF', 'C0HERE')).toEqual({ action: 'off', kind: 'digest' });
    expect(parseSettingsCommand('settings digest default', 'C0HERE')).toEqual({ action: 'default', kind: 'digest' });
    expect(parseSettingsCommand('settings digest #curators', 'C0HERE')).toEqual({ action: 'name_only', kind: 'digest' });
    for (const text of ['settings digest', 'settings digest <#D0DM>', 'settings digest <@U0SOMEONE>', 'settings language fr', 'settings digest <#C0A> <#C0B>']) {
      expect(parseSettingsCommand(text, 'C0HERE')).toEqual({ action: 'usage' });
    }
  });
});

/**
 * The distributed app with three workspaces (each with its own bot token), curators by
 * SLACK_CURATORS, and the process defaults DIGEST_CHANNEL (two workspaces) and
 * ESCALATION_CHANNEL; every test goes through the real Bolt app against the fake Slack.
 */
function settingsSuite(name: string, makeDb: () => Promise<TestDb>): void {
  describe(`a workspace's curators choose their channels from Slack (distributed app, ${name})`, () => {
    let fake: FakeSlackApi;
    let db: TestDb;
    const replicas: TestApp[] = [];
    const env = () => ({
      ...TEST_OAUTH_ENV,
      SLACK_API_URL: fake.apiUrl,
      SLACK_POST_SPACING_MS: '0',
      RATE_LIMIT_PER_MINUTE: '1000',
      SLACK_CURATORS: CURATOR,
      DIGEST_CHANNEL: 'T0AAA:C0ENVDIG,T0CCC:C0ENVDIGC',
      ESCALATION_CHANNEL: 'C0ENVESC',
    });
    const openStore = () => db.open({ resilient: false, encryptionKey: TEST_ENCRYPTION_KEY });
    const startReplica = async (store?: Store) => {
      const r = await startTestApp(env(), { store: store ?? (await openStore()) });
      replicas.push(r);
      return r;
    };
    const digests = () => fake.callsTo('chat.postMessage').filter((c) => /Weekly gaps digest/.test(String(c.args.text)));

    beforeAll(async () => {
      fake = await new FakeSlackApi().start();
      for (const [id, channel] of Object.entries(CHANNELS)) fake.conversations.set(id, channel);
      db = await makeDb();
      // Installed before the first replica starts: its first check sends this week's digests to DIGEST_CHANNEL's two workspaces.
      const store = await openStore();
      for (const [team, token] of Object.entries(TOKENS)) await store.saveInstallation(installationFor(team, { token }));
      await startReplica(store);
      await fake.waitFor(() => digests().length === 2);
      expect(digests().map((c) => c.args.channel).sort()).toEqual(['C0ENVDIG', 'C0ENVDIGC']);
    });
    afterAll(async () => {
      for (const r of replicas) await r.close();
      await fake.close();
      await db.cleanup();
    });
    beforeEach(() => {
      fake.calls.length = 0;
    });

    const a = () => replicas[0]!;
    const send = (body: object | string) => postToSlackEndpoint(a().baseUrl, body);
    /** Runs `/whosecures <text>` in `team` and returns the private answer. */
    async function command(text: string, team: string, options: { user?: string; channel?: string } = {}): Promise<RecordedCall> {
      fake.calls.length = 0;
      const res = await send(slashCommand(text, fake.responseUrl('settings'), { user_id: options.user ?? CURATOR, team_id: team, channel_id: options.channel ?? 'C0CHAN' }));
      expect(res.status).toBe(200);
      const [reply] = await fake.waitForCalls('chat.postEphemeral');
      expect(reply.authorization).toBe(`Bearer ${TOKENS[team]}`);
      expect(reply.args.user).toBe(options.user ?? CURATOR);
      return reply;
    }
    const stored = (team: string) => a().app.store.getWorkspaceSettings('slack', team);

    it('someone who is not a curator is refused privately, and nothing is read or changed', async () => {
      for (const text of ['settings', 'settings digest <#C0BBBDIG|curators>', 'settings escalation off']) {
        const reply = await command(text, 'T0BBB', { user: 'U0SOMEONE' });
        expect(textOf(reply)).toContain(SETTINGS_REFUSAL);
        expect(fake.callsTo('conversations.info')).toHaveLength(0);
      }
      expect(await stored('T0BBB')).toEqual([]);
      expect(a().logs.filter((l) => l.event === 'slack_settings_refused')).toHaveLength(3);
    });

    it('a curator sees what holds until they choose: ESCALATION_CHANNEL everywhere, DIGEST_CHANNEL where it names the workspace', async () => {
      const inA = textOf(await command('settings', 'T0AAA'));
      expect(inA).toContain('*"Ask the security team" questions*: <#C0ENVESC>, the default (ESCALATION_CHANNEL). I am a member there, so I can post.');
      expect(inA).toContain('*The weekly gaps digest*: <#C0ENVDIG>, the default (DIGEST_CHANNEL). I am a member there, so I can post.');
      // Membership is asked with the workspace's own token.
      expect(fake.callsTo('conversations.info').map((c) => [c.args.channel, c.authorization])).toEqual([
        ['C0ENVESC', `Bearer ${TOKENS.T0AAA}`],
        ['C0ENVDIG', `Bearer ${TOKENS.T0AAA}`],
      ]);
      const inB = textOf(await command('settings', 'T0BBB'));
      expect(inB).toContain('*The weekly gaps digest*: not set. Choose a channel: `/whosecures settings digest #channel`.');
      expect(inB).toContain('/whosecures settings escalation #channel');
    });

    it('a channel the bot can never post in is refused and nothing changes; one it is not in yet is kept, with how to invite it', async () => {
      const hidden = textOf(await command('settings digest <#C0PRIV|secret>', 'T0BBB'));
      expect(hidden).toContain('Not changed: I cannot see <#C0PRIV>: if it is a private channel, invite me first (type `/invite @whosecures` in it)');
      expect(textOf(await command('settings digest <#C0ARCH|old>', 'T0BBB'))).toContain('Not changed: <#C0ARCH> is archived');
      expect(await stored('T0BBB')).toEqual([]);

      const notIn = textOf(await command('settings digest here', 'T0BBB', { channel: 'C0NOTIN' }));
      expect(notIn).toContain('Done: the weekly gaps digest now goes to <#C0NOTIN>.');
      expect(notIn).toContain('I am not a member of <#C0NOTIN> yet, so nothing can be posted there: type `/invite @whosecures` in <#C0NOTIN>.');

      const chosen = textOf(await command('settings digest <#C0BBBDIG|curators>', 'T0BBB'));
      expect(chosen).toContain('Done: the weekly gaps digest now goes to <#C0BBBDIG>.');
      expect(chosen).toContain('I am a member there, so I can post.');
      expect(await stored('T0BBB')).toEqual([expect.objectContaining({ platform: 'slack', workspace: 'T0BBB', name: 'digest_channel', value: 'C0BBBDIG', updatedBy: CURATOR })]);
      expect(textOf(await command('settings', 'T0BBB'))).toMatch(/\*The weekly gaps digest\*: <#C0BBBDIG>, chosen by <@U0CURATOR> on \d{4}-\d\d-\d\d\. I am a member there/);

      // A plain name (escaping off) or a typo gets a note, never a guess.
      expect(textOf(await command('settings digest #curators', 'T0BBB'))).toContain(NAME_ONLY_NOTE.slice(0, 40));
      expect(textOf(await command('settings colour blue', 'T0BBB'))).toContain(SETTINGS_USAGE.split('\n')[1]!.slice(0, 40));
      expect((await stored('T0BBB')).map((r) => r.value)).toEqual(['C0BBBDIG']);
      // Another workspace is untouched.
      expect(await stored('T0AAA')).toEqual([]);
    });

    it('the weekly digest goes to each workspace\u2019s channel: the chosen one, else DIGEST_CHANNEL; none where it was switched off', async () => {
      const off = textOf(await command('settings digest off', 'T0CCC'));
      expect(off).toContain('Done: the weekly gaps digest is off in this workspace (DIGEST_CHANNEL no longer applies here)');
      fake.calls.length = 0;
      // A replica started now runs its first check at once: T0BBB's chosen channel has had no
      // digest this week; T0AAA's week was claimed by the first replica's check.
      const b = await startReplica();
      await fake.waitFor(() => digests().length === 1);
      await new Promise((r) => setTimeout(r, 500));
      expect(digests().map((c) => [c.args.channel, c.authorization])).toEqual([['C0BBBDIG', `Bearer ${TOKENS.T0BBB}`]]);
      expect(textOf(digests()[0]!)).toContain(`Weekly gaps digest (${isoWeek(new Date())})`);
      expect(b.logs.filter((l) => l.event === 'digest_queued').map((l) => l.workspace)).toEqual(['T0BBB']);

      // Next week's first check: every workspace with a channel in force, none for T0CCC.
      fake.calls.length = 0;
      const channels = new SlackCuratorChannels({ store: b.app.store, logger: silent, digestDefaults: b.app.config.slackDigests, choosable: true });
      const nextWeek = () => new Date(Date.now() + 7 * 86_400_000);
      const deps = { store: b.app.store, worker: { wake: () => undefined }, logger: silent, metrics: b.app.metrics, digests: () => channels.workspaceDigestTargets(), now: nextWeek };
      expect(await queueWorkspaceDigests(deps)).toEqual(['queued', 'queued']);
      await fake.waitFor(() => digests().length === 2);
      expect(digests().map((c) => [c.args.channel, c.authorization]).sort()).toEqual([
        ['C0BBBDIG', `Bearer ${TOKENS.T0BBB}`],
        ['C0ENVDIG', `Bearer ${TOKENS.T0AAA}`],
      ]);

      // Back to the default: DIGEST_CHANNEL holds for T0CCC again.
      const back = textOf(await command('settings digest default', 'T0CCC'));
      expect(back).toContain('Done: back to the default.');
      expect(back).toContain('<#C0ENVDIGC>, the default (DIGEST_CHANNEL)');
      expect(await stored('T0CCC')).toEqual([]);
    });

    /** Mentions the bot in `team` and returns its answer. */
    async function askIn(team: string, channel: string, text = 'who patches the guest OS on EC2?'): Promise<{ post: RecordedCall; threadTs: string }> {
      fake.calls.length = 0;
      const event = forTeam(mention(text, { channel }), team);
      await send(event);
      const [post] = await fake.waitFor(() => fake.callsTo('chat.postMessage').some((c) => c.args.channel === channel)).then(() => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel));
      return { post: post!, threadTs: String((event.event as { ts: string }).ts) };
    }
    const escalate = (team: string, post: RecordedCall, threadTs: string, channel: string) =>
      send(inTeam(blockAction(ACTION.escalate, buttons(post.args.blocks).find((b) => b.action_id === ACTION.escalate)!.value!, { responseUrl: fake.responseUrl('escalate'), messageTs: String(post.response!.ts), threadTs, channel }), team));

    it('"Ask the security team" goes to the workspace\u2019s chosen channel with its token; Reply counts only where it was posted', async () => {
      expect(textOf(await command('settings escalation <#C0BBBESC|security>', 'T0BBB'))).toContain('Done: "Ask the security team" questions now go to <#C0BBBESC>.');
      const inB = await askIn('T0BBB', 'C0CHANB');
      fake.calls.length = 0;
      await escalate('T0BBB', inB.post, inB.threadTs, 'C0CHANB');
      await fake.waitFor(() => fake.callsTo('chat.postMessage').length === 1 && fake.callsTo('chat.postEphemeral').length === 1);
      const [toCurators] = fake.callsTo('chat.postMessage');
      expect(toCurators.args.channel).toBe('C0BBBESC');
      expect(toCurators.authorization).toBe(`Bearer ${TOKENS.T0BBB}`);
      expect(fake.callsTo('chat.postEphemeral')[0]!.args.text).toBe(SENT_NOTE);

      // A workspace that chose nothing still uses ESCALATION_CHANNEL.
      const inA = await askIn('T0AAA', 'C0CHAN');
      fake.calls.length = 0;
      await escalate('T0AAA', inA.post, inA.threadTs, 'C0CHAN');
      await fake.waitFor(() => fake.callsTo('chat.postMessage').length === 1 && fake.callsTo('chat.postEphemeral').length === 1);
      expect(fake.callsTo('chat.postMessage')[0]!.args.channel).toBe('C0ENVESC');
      expect(fake.callsTo('chat.postMessage')[0]!.authorization).toBe(`Bearer ${TOKENS.T0AAA}`);

      // The curators move their channel: what was posted keeps working where it was posted.
      expect(textOf(await command('settings escalation <#C0BBBDIG>', 'T0BBB'))).toContain('now go to <#C0BBBDIG>');
      // Reply on T0BBB's escalation: nothing from the default channel nor the new one, the modal from where it was posted.
      const reply = buttons(toCurators.args.blocks).find((b) => b.action_id === ACTION.escalationReply)!.value!;
      fake.calls.length = 0;
      await send(inTeam(blockAction(ACTION.escalationReply, reply, { responseUrl: fake.responseUrl('reply'), channel: 'C0ENVESC', user: CURATOR }), 'T0BBB'));
      await send(inTeam(blockAction(ACTION.escalationReply, reply, { responseUrl: fake.responseUrl('reply'), channel: 'C0BBBDIG', user: CURATOR }), 'T0BBB'));
      // The same button value from another workspace's copy of that channel does nothing either.
      await send(inTeam(blockAction(ACTION.escalationReply, reply, { responseUrl: fake.responseUrl('reply'), channel: 'C0BBBESC', user: CURATOR }), 'T0AAA'));
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.callsTo('views.open')).toHaveLength(0);
      expect(a().logs.filter((l) => l.event === 'escalation_reply_elsewhere').length).toBeGreaterThanOrEqual(3);
      await send(inTeam(blockAction(ACTION.escalationReply, reply, { responseUrl: fake.responseUrl('reply'), channel: 'C0BBBESC', user: CURATOR }), 'T0BBB'));
      await fake.waitForCalls('views.open');
      await new Promise((r) => setTimeout(r, 200));
      expect(fake.callsTo('views.open')).toHaveLength(1);
      expect(fake.callsTo('views.open')[0]!.authorization).toBe(`Bearer ${TOKENS.T0BBB}`);
    });

    it('a workspace that switches escalations off gets no button, and an older button says so privately', async () => {
      const before = await askIn('T0AAA', 'C0CHAN', 'who encrypts RDS snapshots?');
      expect(textOf(await command('settings escalation off', 'T0AAA'))).toContain('Done: "Ask the security team" is off in this workspace; answers no longer carry the button (ESCALATION_CHANNEL no longer applies here)');
      const after = await askIn('T0AAA', 'C0CHAN', 'who rotates KMS keys?');
      expect(buttons(after.post.args.blocks).map((b) => b.action_id)).not.toContain(ACTION.escalate);
      expect(buttons(after.post.args.blocks).length).toBeGreaterThan(0);
      fake.calls.length = 0;
      await escalate('T0AAA', before.post, before.threadTs, 'C0CHAN');
      const [note] = await fake.waitForCalls('response_url');
      expect(note.args).toMatchObject({ response_type: 'ephemeral', text: NO_ESCALATION_CHANNEL_NOTE });
      expect(fake.callsTo('chat.postMessage')).toHaveLength(0);
      // Other workspaces keep theirs.
      const inB = await askIn('T0BBB', 'C0CHANB', 'who rotates KMS keys?');
      expect(buttons(inB.post.args.blocks).map((b) => b.action_id)).toContain(ACTION.escalate);
    });

    /** Clicks the first follow-up button of `post` in `team` and returns the answer posted in its thread. */
    async function followUp(team: string, post: RecordedCall, threadTs: string, channel: string): Promise<RecordedCall> {
      const button = buttons(post.args.blocks).find((b) => b.action_id?.startsWith('followup_'));
      expect(button).toBeDefined();
      fake.calls.length = 0;
      await send(inTeam(blockAction(button!.action_id!, button!.value!, { responseUrl: fake.responseUrl('follow'), messageTs: String(post.response!.ts), threadTs, channel }), team));
      const [answer] = await fake.waitForCalls('chat.postMessage');
      expect(answer.args).toMatchObject({ channel, thread_ts: threadTs });
      return answer;
    }

    it('a follow-up answered in the thread carries the button only where the workspace has a curators\u2019 channel', async () => {
      // T0AAA switched escalations off above; T0BBB keeps a channel of its own.
      const inA = await askIn('T0AAA', 'C0CHAN', 'who patches the guest OS on EC2?');
      const offAnswer = await followUp('T0AAA', inA.post, inA.threadTs, 'C0CHAN');
      expect(offAnswer.authorization).toBe(`Bearer ${TOKENS.T0AAA}`);
      expect(buttons(offAnswer.args.blocks).map((b) => b.action_id)).not.toContain(ACTION.escalate);
      expect(buttons(offAnswer.args.blocks).length).toBeGreaterThan(0);
      const inB = await askIn('T0BBB', 'C0CHANB', 'who patches the guest OS on EC2?');
      const onAnswer = await followUp('T0BBB', inB.post, inB.threadTs, 'C0CHANB');
      expect(onAnswer.authorization).toBe(`Bearer ${TOKENS.T0BBB}`);
      expect(buttons(onAnswer.args.blocks).map((b) => b.action_id)).toContain(ACTION.escalate);
    });

    it('when the bot is not in the chosen channel, the first post tells the asker, and the curator who chose it how to invite it', async () => {
      expect(textOf(await command('settings escalation here', 'T0BBB', { channel: 'C0NOTIN' }))).toContain('I am not a member of <#C0NOTIN> yet');
      const asked = await askIn('T0BBB', 'C0CHANB', 'who manages IAM for Lambda?');
      fake.calls.length = 0;
      fake.script('conversations.open', { body: { ok: true, channel: { id: 'D0CURATOR' } } });
      await escalate('T0BBB', asked.post, asked.threadTs, 'C0CHANB');
      await fake.waitFor(() => fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'D0CURATOR') && fake.callsTo('chat.postEphemeral').length === 1);
      const refused = fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0NOTIN');
      expect(refused?.response).toMatchObject({ ok: false, error: 'not_in_channel' });
      expect(fake.callsTo('chat.postEphemeral')[0]!.args).toMatchObject({ channel: 'C0CHANB', user: 'UASKER1', text: ESCALATION_UNDELIVERED_NOTE });
      expect(fake.callsTo('conversations.open')[0]!.args.users).toBe(CURATOR);
      const dm = fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'D0CURATOR')!;
      expect(dm.args.text).toBe(unreachableNote('escalation', 'C0NOTIN'));
      expect(dm.authorization).toBe(`Bearer ${TOKENS.T0BBB}`);
      expect(a().logs.some((l) => l.event === 'slack_curator_channel_unreachable' && l.kind === 'escalation' && l.chooserTold === true)).toBe(true);
      // Given up, not retried: one refused post.
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0NOTIN')).toHaveLength(1);
    });

    async function openHome(team: string, user: string) {
      fake.calls.length = 0;
      await send(forTeam(eventCallback({ type: 'app_home_opened', user, channel: 'D0HOME', tab: 'home' }), team));
      const [publish] = await fake.waitForCalls('views.publish');
      expect(publish.authorization).toBe(`Bearer ${TOKENS[team]}`);
      return publish.args.view as { blocks: Block[] };
    }

    it('on the Home tab a curator sees the settings with Slack\u2019s channel picker, and a pick is checked, kept and shown', async () => {
      const view = await openHome('T0BBB', CURATOR);
      const text = allTexts(view.blocks).join('\n');
      expect(text).toContain('Where curator messages go (curators)');
      expect(text).toContain('*The weekly gaps digest*: <#C0BBBDIG>, chosen by <@U0CURATOR>');
      const picker = view.blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === homeSettingAction('channel', 'digest'))!;
      expect(picker).toMatchObject({ type: 'conversations_select', initial_conversation: 'C0BBBDIG', filter: { include: ['public', 'private'], exclude_bot_users: true, exclude_external_shared_channels: true } });
      expect(buttons(view.blocks).map((b) => b.action_id)).toEqual(expect.arrayContaining([homeSettingAction('off', 'digest'), homeSettingAction('default', 'digest')]));

      fake.calls.length = 0;
      await send(homeAction('T0BBB', CURATOR, { type: 'conversations_select', action_id: homeSettingAction('channel', 'digest'), selected_conversation: 'C0NOTIN' }));
      const [republished] = await fake.waitForCalls('views.publish');
      const after = allTexts((republished.args.view as { blocks: Block[] }).blocks).join('\n');
      expect(after).toContain('Done: the weekly gaps digest now goes to <#C0NOTIN>.');
      expect(after).toContain('type `/invite @whosecures` in <#C0NOTIN>');
      expect((await stored('T0BBB')).find((r) => r.name === 'digest_channel')?.value).toBe('C0NOTIN');

      // "Use the default": T0BBB has no DIGEST_CHANNEL of its own, so none holds.
      fake.calls.length = 0;
      await send(homeAction('T0BBB', CURATOR, { type: 'button', action_id: homeSettingAction('default', 'digest'), value: 'digest', text: { type: 'plain_text', text: 'x' } }));
      await fake.waitForCalls('views.publish');
      expect((await stored('T0BBB')).find((r) => r.name === 'digest_channel')).toBeUndefined();
    });

    it('nobody else sees the settings on the Home tab, and a pick from them changes nothing', async () => {
      const view = await openHome('T0BBB', 'U0SOMEONE');
      expect(allTexts(view.blocks).join('\n')).not.toContain('Where curator messages go');
      const before = await stored('T0BBB');
      fake.calls.length = 0;
      await send(homeAction('T0BBB', 'U0SOMEONE', { type: 'conversations_select', action_id: homeSettingAction('channel', 'escalation'), selected_conversation: 'C0BBBDIG' }));
      await fake.waitForCalls('views.publish');
      expect(fake.callsTo('conversations.info')).toHaveLength(0);
      expect(await stored('T0BBB')).toEqual(before);
      expect(a().logs.some((l) => l.event === 'slack_curator_refused' && l.action === 'home_setting')).toBe(true);
    });
  });
}

settingsSuite('SQLite', sqliteTestDb);
describePostgres('curator settings (PostgreSQL)', () => settingsSuite('PostgreSQL', () => postgresTestDb(postgresStatus().url!)));

describe('one workspace (SLACK_BOT_TOKEN): the curators\u2019 digest channel replaces DIGEST_CHANNEL', () => {
  let fake: FakeSlackApi;
  let db: TestDb;
  const apps: TestApp[] = [];
  const env = () => ({
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_POST_SPACING_MS: '0',
    SLACK_CURATORS: CURATOR,
    DIGEST_CHANNEL: 'C0ENVDIG',
  });
  beforeAll(async () => {
    fake = await new FakeSlackApi().start();
    fake.conversations.set('C0MINE', { is_member: true });
    fake.conversations.set('C0ENVDIG', { is_member: true });
    db = await sqliteTestDb();
  });
  afterAll(async () => {
    for (const r of apps) await r.close();
    await fake.close();
    await db.cleanup();
  });

  it('the next check posts the week\u2019s digest in the chosen channel', async () => {
    const first = await startTestApp(env(), { store: await db.open({ resilient: false }) });
    apps.push(first);
    await fake.waitFor(() => fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0ENVDIG'));
    await postToSlackEndpoint(first.baseUrl, slashCommand('settings digest <#C0MINE|curators>', fake.responseUrl('s'), { user_id: CURATOR }));
    const [done] = await fake.waitForCalls('chat.postEphemeral');
    expect(textOf(done)).toContain('Done: the weekly gaps digest now goes to <#C0MINE>.');
    // The bot's own workspace (auth.test's team) keeps the choice.
    expect((await first.app.store.getWorkspaceSettings('slack', 'T0TEST')).map((r) => r.value)).toEqual(['C0MINE']);
    apps.push(await startTestApp(env(), { store: await db.open({ resilient: false }) }));
    await fake.waitFor(() => fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0MINE'));
    const mine = fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0MINE');
    expect(mine).toHaveLength(1);
    expect(mine[0]!.authorization).toBe(`Bearer ${TEST_BOT_TOKEN}`);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0ENVDIG')).toHaveLength(1);
  });
});
