import pino from 'pino';
import { queueWorkspaceDigests, isoWeek } from '../../../src/channels/slack/digest/weeklyDigest';
import { loadConfig } from '../../../src/config';
import { configProblems as problemsOf } from '../../helpers/config';
import type { TestApp } from '../../helpers/app';
import { mention, slashCommand } from './payloads';
import { postToSlackEndpoint } from './signedRequest';
import { forTeam, installationFor, startOAuthTestBed, TEST_OAUTH_ENV, type OAuthTestBed } from './oauthTestBed';
import { allTexts } from './slackTestApp';

const silent = pino({ level: 'silent' });

describe('DIGEST_CHANNEL for the distributed app', () => {
  const oauth = TEST_OAUTH_ENV;

  it('names each workspace with its channel: a team, or an enterprise for an org-wide install', () => {
    expect(loadConfig({ ...oauth, DIGEST_CHANNEL: 'T0AAA:C0DIGA, E0ORG:G0DIGE' }).slackDigests).toEqual([
      { teamId: 'T0AAA', isEnterpriseInstall: false, channel: 'C0DIGA' },
      { enterpriseId: 'E0ORG', isEnterpriseInstall: true, channel: 'G0DIGE' },
    ]);
    expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', DIGEST_CHANNEL: 'C0ONE' }).slackDigests).toEqual([{ isEnterpriseInstall: false, channel: 'C0ONE' }]);
  });

  it('refuses a channel without its workspace in the distributed app, and pairs with one workspace', () => {
    expect(problemsOf({ ...oauth, DIGEST_CHANNEL: 'C0DIGA' })).toEqual([expect.stringMatching(/^DIGEST_CHANNEL: with SLACK_CLIENT_ID name each workspace/)]);
    expect(problemsOf({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', DIGEST_CHANNEL: 'T0AAA:C0DIGA' })).toEqual([expect.stringMatching(/^DIGEST_CHANNEL: with one workspace/)]);
    expect(problemsOf({ ...oauth, DIGEST_CHANNEL: 'T0AAA:general' })).toEqual([expect.stringMatching(/^DIGEST_CHANNEL: DIGEST_CHANNEL must be/)]);
  });
});

/**
 * Two replicas of the distributed app on one SQLite file; three workspaces named in
 * DIGEST_CHANNEL, two of them installed, each with its own bot token.
 */
describe('the weekly gaps digest of the distributed app, per workspace', () => {
  let bed: OAuthTestBed;
  // Early in next ISO week (Monday 00:30 UTC): its 7 days still hold what is asked today.
  const monday = new Date();
  monday.setUTCHours(0, 30, 0, 0);
  monday.setUTCDate(monday.getUTCDate() + ((8 - (monday.getUTCDay() || 7)) % 7 || 7));
  const nextWeek = () => new Date(monday);

  beforeAll(async () => {
    bed = await startOAuthTestBed(2, { DIGEST_CHANNEL: 'T0AAA:C0DIGA,T0BBB:C0DIGB,T0CCC:C0DIGC', RATE_LIMIT_PER_MINUTE: '1000', STORE_BATCH_MS: '0', SLACK_CURATORS: 'U0CURATOR' });
  });
  afterAll(async () => {
    await bed?.close();
  });

  const deps = (r: TestApp, now?: () => Date) => ({
    store: r.app.store,
    // The replicas' own workers poll the store and send what is queued.
    worker: { wake: () => undefined },
    logger: silent,
    metrics: r.app.metrics,
    digests: r.app.config.slackDigests,
    ...(now ? { now } : {}),
  });
  const digestsIn = (channel: string) => bed.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);

  it('skips workspaces that have not installed the app, without claiming their week', async () => {
    // At start nothing is installed: each replica's first check claimed nothing.
    const [a] = bed.apps;
    expect(await queueWorkspaceDigests(deps(a))).toEqual(['not_installed', 'not_installed', 'not_installed']);
    expect(a.logs.some((l) => l.event === 'slack_digest_not_installed' && l.workspace === 'T0CCC')).toBe(true);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it('posts each installed workspace its digest once a week across replicas, to its own channel with its own token', async () => {
    const [a, b] = bed.apps;
    await a.app.store.saveInstallation(installationFor('T0AAA', { token: 'xoxb-team-aaa-token' }));
    await a.app.store.saveInstallation(installationFor('T0BBB', { token: 'xoxb-team-bbb-token' }));
    const [fromA, fromB] = await Promise.all([queueWorkspaceDigests(deps(a)), queueWorkspaceDigests(deps(b))]);
    // Each workspace's week is claimed by exactly one replica; the uninstalled one by none.
    expect(fromA.map((o, i) => [o, fromB[i]].filter((x) => x === 'queued').length)).toEqual([1, 1, 0]);
    expect(fromA[2]).toBe('not_installed');
    await bed.fake.waitFor(() => digestsIn('C0DIGA').length === 1 && digestsIn('C0DIGB').length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(digestsIn('C0DIGA')).toHaveLength(1);
    expect(digestsIn('C0DIGB')).toHaveLength(1);
    expect(digestsIn('C0DIGC')).toHaveLength(0);
    expect(digestsIn('C0DIGA')[0].authorization).toBe('Bearer xoxb-team-aaa-token');
    expect(digestsIn('C0DIGB')[0].authorization).toBe('Bearer xoxb-team-bbb-token');
    expect(allTexts(digestsIn('C0DIGA')[0].args.blocks).join('\n')).toContain(`Weekly gaps digest (${isoWeek(new Date())})`);
    // Later checks this week, on either replica, find every week taken.
    expect(await Promise.all([queueWorkspaceDigests(deps(a)), queueWorkspaceDigests(deps(b))])).toEqual([
      ['taken', 'taken', 'not_installed'],
      ['taken', 'taken', 'not_installed'],
    ]);
  });

  it('lists a workspace\u2019s own questions only, and starts a workspace\u2019s digest once it installs', async () => {
    const [a, b] = bed.apps;
    await postToSlackEndpoint(a.baseUrl, forTeam(mention('who secures the zorblax ledger of team aaa?', { channel: 'C0CHANA' }), 'T0AAA'));
    await postToSlackEndpoint(b.baseUrl, forTeam(mention('who secures the quuxbar ledger of team bbb?', { channel: 'C0CHANB' }), 'T0BBB'));
    await bed.fake.waitFor(() => bed.fake.callsTo('chat.postMessage').filter((c) => ['C0CHANA', 'C0CHANB'].includes(c.args.channel as string)).length === 2);
    await a.app.store.saveInstallation(installationFor('T0CCC', { token: 'xoxb-team-ccc-token' }));
    const [fromA, fromB] = await Promise.all([queueWorkspaceDigests(deps(a, nextWeek)), queueWorkspaceDigests(deps(b, nextWeek))]);
    expect(fromA.map((o, i) => [o, fromB[i]].filter((x) => x === 'queued').length)).toEqual([1, 1, 1]);
    await bed.fake.waitFor(() => digestsIn('C0DIGA').length === 2 && digestsIn('C0DIGB').length === 2 && digestsIn('C0DIGC').length === 1);
    const text = (channel: string) => allTexts(digestsIn(channel).at(-1)!.args.blocks).join('\n');
    expect(text('C0DIGA')).toContain(`Weekly gaps digest (${isoWeek(nextWeek())})`);
    expect(text('C0DIGA')).toContain('zorblax');
    expect(text('C0DIGA')).not.toContain('quuxbar');
    expect(text('C0DIGB')).toContain('quuxbar');
    expect(text('C0DIGB')).not.toContain('zorblax');
    expect(text('C0DIGC')).not.toMatch(/zorblax|quuxbar/);
    expect(digestsIn('C0DIGC')[0].authorization).toBe('Bearer xoxb-team-ccc-token');
    const metrics = await (await fetch(`${a.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/whosecures_digests_total\{platform="slack",outcome="queued"\} [1-9]/);
  });

  it('a curator\u2019s /whosecures gaps lists their own workspace\u2019s questions only', async () => {
    const [a] = bed.apps;
    bed.fake.calls.length = 0;
    await postToSlackEndpoint(a.baseUrl, slashCommand('gaps 7d', bed.fake.responseUrl('gaps'), { user_id: 'U0CURATOR', team_id: 'T0BBB' }));
    const [eph] = await bed.fake.waitForCalls('chat.postEphemeral');
    expect(eph.authorization).toBe('Bearer xoxb-team-bbb-token');
    const text = allTexts(eph.args.blocks).join('\n');
    expect(text).toContain('quuxbar');
    expect(text).not.toContain('zorblax');
  });
});
