import { GAPS_REFUSAL } from '../../../src/channels/slack/gapsText';
import { SLACK_LIMITS } from '../../../src/channels/slack/slackLimits';
import type { Store } from '../../../src/store/types';
import type { RecordedCall } from './fakeSlackApi';
import { slashCommand } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { allTexts, startSlackTestBed, type SlackTestBed } from './slackTestApp';

type Block = { type: string; text?: { type: string; text: string; verbatim?: boolean }; elements?: Array<{ text?: string }> };

const CURATOR = 'U0CURATOR';
const HOSTILE = 'who secures zorblax <!channel> <@U0VICTIM> <https://evil.example/x|click> & http://evil.example/raw';
const DAY = 86_400_000;

/**
 * Eleven made-up topics asked 2..12 times each (so the top ten is known and one is left out),
 * one hostile question asked most often, and one old gap outside the default 30 days.
 */
async function seed(store: Store, now: Date): Promise<void> {
  const log = (question: string, userId: string, at: Date) =>
    store.logQuestion({ question, intent: 'not_found', verdict: 'unknown', cells: [], confidence: 0, platform: 'slack', userId, at });
  for (let i = 0; i < 11; i++) {
    const word = `blorp${String.fromCharCode(97 + i)}`;
    for (let n = 0; n < i + 2; n++) await log(`who secures ${word}`, `U${i}${n}`, new Date(now.getTime() - (n + 1) * 60_000));
  }
  for (let n = 0; n < 20; n++) await log(HOSTILE, `UH${n}`, new Date(now.getTime() - DAY));
  await log('who secures ancientword', 'UOLD', new Date(now.getTime() - 40 * DAY));
}

describe('/whosecures gaps (curators)', () => {
  let bed: SlackTestBed;
  beforeAll(async () => {
    bed = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_ADMINS: `U0OTHER,${CURATOR}` });
    await seed(bed.app.app.store, new Date());
  });
  afterAll(async () => {
    await bed.close();
  });
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  const command = (text: string, user: string) =>
    postToSlackEndpoint(bed.app.baseUrl, slashCommand(text, bed.fake.responseUrl('gaps'), { user_id: user }));
  const ephemeral = async (): Promise<RecordedCall> => (await bed.fake.waitForCalls('chat.postEphemeral'))[0];
  const body = (call: RecordedCall) => (call.args.blocks as Block[]).filter((b) => b.type === 'section').map((b) => b.text!.text).join('\n');

  it('shows a curator the top ten gaps privately, most frequent first', async () => {
    const res = await command('gaps', CURATOR);
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    const eph = await ephemeral();
    expect(eph.args.user).toBe(CURATOR);
    expect(eph.args.channel).toBe('C0CHAN');
    const blocks = eph.args.blocks as Block[];
    expect(blocks[0].text?.text).toBe('Knowledge-base gaps');
    const text = body(eph);
    expect(text).toMatch(/^Top 10 of 12 gap\(s\) since \d{4}-\d{2}-\d{2}:/);
    const numbered = text.split('\n').filter((l) => /^\d+\. /.test(l));
    expect(numbered).toHaveLength(10);
    expect(numbered[0]).toMatch(/^1\. .*: 20 \(20 not found; 20 users\)$/);
    expect(numbered[1]).toMatch(/^2\. words: blorpk: 12 /);
    expect(numbered[9]).toMatch(/^10\. words: blorpc: 4 /);
    // The eleventh topic and the gap older than 30 days are not listed.
    expect(text).not.toMatch(/blorpa|ancientword/);
    expect(allTexts(blocks).join('\n')).toContain('npx whosecures kb gaps --since 30d');
    // Private: nothing is posted in the channel.
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it("escapes users' own words: no mention, no link, no Slack markup from an example", async () => {
    await command('gaps', CURATOR);
    const eph = await ephemeral();
    const texts = [String(eph.args.text), ...allTexts(eph.args.blocks)];
    for (const t of texts) {
      expect(t).not.toMatch(/<!channel>|<@U0VICTIM>|<https?:/);
      expect(t).not.toContain('evil.example');
    }
    const text = body(eph);
    expect(text).toContain('&lt;!channel&gt; &lt;@U0VICTIM&gt;');
    expect(text).toContain('[link removed]');
    expect(text).toContain(' &amp; ');
    for (const b of eph.args.blocks as Block[]) if (b.type === 'section') expect(b.text?.verbatim).toBe(true);
  });

  it("stays within Slack's limits", async () => {
    await command('gaps 90d', CURATOR);
    const eph = await ephemeral();
    const blocks = eph.args.blocks as Block[];
    expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(blocks[0].text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    for (const b of blocks) if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    expect(String(eph.args.text).length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackText);
    expect(String(eph.args.text)).toMatch(/^Top 10 of 13 gap\(s\)/);
  });

  it('takes a period: `gaps 7d` looks back seven days, a date in the future finds nothing', async () => {
    await command('gaps 7d', CURATOR);
    const since = new Date(Date.now() - 7 * DAY).toISOString().slice(0, 10);
    expect(body(await ephemeral())).toContain(`since ${since}:`);
    bed.fake.calls.length = 0;
    await command('gaps 2999-01-01', CURATOR);
    expect(body(await ephemeral())).toMatch(/^No gaps since 2999-01-01/);
  });

  it('explains the period when it cannot read it', async () => {
    await command('gaps last-month', CURATOR);
    expect(body(await ephemeral())).toMatch(/^Usage: \/whosecures gaps \[period\]/);
  });

  it('politely refuses anyone who is not a curator, and reads nothing for them', async () => {
    const listQuestions = jest.spyOn(bed.app.app.store, 'listQuestions');
    try {
      await command('gaps', 'UASKER1');
      const eph = await ephemeral();
      expect(eph.args.user).toBe('UASKER1');
      expect(body(eph)).toBe(GAPS_REFUSAL);
      expect(body(eph)).toMatch(/^Sorry, .*curators/);
      expect(JSON.stringify(eph.args.blocks)).not.toMatch(/blorp|zorblax/);
      expect(listQuestions).not.toHaveBeenCalled();
    } finally {
      listQuestions.mockRestore();
    }
  });

  it('takes curators from a user group in SLACK_CURATORS, which then replaces ONBOARDING_ADMINS', async () => {
    const grouped = await startSlackTestBed({ RATE_LIMIT_PER_MINUTE: '1000', SLACK_CURATORS: 'S0GAPCUR', ONBOARDING_ADMINS: CURATOR });
    try {
      grouped.fake.userGroups.set('S0GAPCUR', ['U0GROUPED']);
      const run = async (user: string) => {
        grouped.fake.calls.length = 0;
        await postToSlackEndpoint(grouped.app.baseUrl, slashCommand('gaps', grouped.fake.responseUrl('gaps'), { user_id: user }));
        return body((await grouped.fake.waitForCalls('chat.postEphemeral'))[0]);
      };
      expect(await run('U0GROUPED')).toMatch(/^No gaps since|gap\(s\) since/);
      expect(await run(CURATOR)).toBe(GAPS_REFUSAL);
    } finally {
      await grouped.close();
    }
  });

  it('is listed in /whosecures help', async () => {
    await command('help', 'UASKER1');
    const eph = await ephemeral();
    const text = allTexts(eph.args.blocks).join('\n');
    expect(text).toMatch(/What I can answer/);
    expect(text).toContain('`/whosecures gaps [7d]`: for curators');
    // The command list sits before the buttons.
    const types = (eph.args.blocks as Block[]).map((b) => b.type);
    const list = (eph.args.blocks as Block[]).findIndex((b) => b.text?.text.startsWith('*Commands*'));
    expect(list).toBeGreaterThan(0);
    expect(types.slice(list + 1).every((t) => t === 'actions' || t === 'context')).toBe(true);
  });
});
