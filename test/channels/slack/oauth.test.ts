import Database from 'better-sqlite3';
import { BOT_SCOPES } from '../../../src/channels/slack/oauth/botScopes';
import { loadConfig } from '../../../src/config';
import { configProblems as problemsOf } from '../../helpers/config';
import { eventCallback, mention } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';
import { codeExchangeResponse, forTeam, installationFor, startOAuthTestBed, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_ENCRYPTION_KEY, TEST_OAUTH_ENV, TEST_STATE_SECRET, type OAuthTestBed } from './oauthTestBed';

interface InstallStart {
  status: number;
  location: URL;
  state: string;
  /** The state cookie exactly as the browser would send it back. */
  cookie: string;
}

async function startInstall(baseUrl: string): Promise<InstallStart> {
  const res = await fetch(`${baseUrl}/slack/install`, { redirect: 'manual' });
  const location = new URL(res.headers.get('location') ?? 'about:blank');
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('slack-app-oauth-state=')) ?? '';
  return { status: res.status, location, state: location.searchParams.get('state') ?? '', cookie };
}

async function callback(baseUrl: string, query: Record<string, string>, cookie?: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${baseUrl}/slack/oauth_redirect?${new URLSearchParams(query)}`, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  return { status: res.status, body: await res.text() };
}

function rawInstallationRows(dbFile: string): Array<Record<string, unknown>> {
  const db = new Database(dbFile, { readonly: true });
  try {
    return db.prepare('SELECT * FROM slack_installations').all() as Array<Record<string, unknown>>;
  } finally {
    db.close();
  }
}

/** The distributed app's settings without the encryption key. */
const { STORE_ENCRYPTION_KEY: _key, ...oauthEnv } = TEST_OAUTH_ENV;

describe('distributed Slack app: configuration', () => {

  it('refuses to start without STORE_ENCRYPTION_KEY, naming the variable and never a value', () => {
    const problems = problemsOf(oauthEnv);
    expect(problems).toEqual([expect.stringMatching(/^STORE_ENCRYPTION_KEY: required with SLACK_CLIENT_ID/)]);
    expect(problems.join('\n')).not.toContain(TEST_CLIENT_SECRET);
    expect(problems.join('\n')).not.toContain(TEST_STATE_SECRET);
  });

  it('names each missing OAuth setting when only some are given', () => {
    const problems = problemsOf({ SLACK_CLIENT_ID: TEST_CLIENT_ID, STORE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    expect(problems.filter((p) => /^SLACK_(CLIENT_SECRET|STATE_SECRET): required/.test(p))).toHaveLength(2);
  });

  it('refuses a single bot token alongside the OAuth settings, and runs in HTTP mode otherwise', () => {
    expect(problemsOf({ ...oauthEnv, STORE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY, SLACK_BOT_TOKEN: TEST_BOT_TOKEN })).toEqual([expect.stringMatching(/^SLACK_BOT_TOKEN: leave unset/)]);
    const config = loadConfig({ ...oauthEnv, STORE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY });
    expect(config).toMatchObject({ slackEnabled: true, slackMode: 'http', slackOAuth: true });
    expect(loadConfig({ SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET }).slackOAuth).toBe(false);
  });
});

describe('distributed Slack app: install, per-workspace tokens, uninstall', () => {
  let bed: OAuthTestBed;
  let baseUrl: string;
  beforeAll(async () => {
    bed = await startOAuthTestBed();
    baseUrl = bed.apps[0].baseUrl;
  });
  afterAll(async () => {
    await bed.close();
  });
  beforeEach(() => {
    bed.fake.calls.length = 0;
  });

  it('/slack/install redirects straight to Slack with the client id, the manifest scopes and a state, set as a cookie too', async () => {
    const start = await startInstall(baseUrl);
    expect(start.status).toBe(302);
    expect(`${start.location.origin}${start.location.pathname}`).toBe('https://slack.com/oauth/v2/authorize');
    expect(start.location.searchParams.get('client_id')).toBe(TEST_CLIENT_ID);
    expect(start.location.searchParams.get('scope')?.split(',').sort()).toEqual([...BOT_SCOPES].sort());
    expect(start.state.length).toBeGreaterThan(20);
    expect(start.cookie).toBe(`slack-app-oauth-state=${start.state}`);
    // A second visit gets a different state: each one is single-browser, not a shared constant.
    expect((await startInstall(baseUrl)).state).not.toBe(start.state);
  });

  it('the callback exchanges the code, stores the installation encrypted, and that workspace is answered with its own token', async () => {
    const token = 'xoxb-team-one-token-sentinel-4c2d';
    bed.fake.script('oauth.v2.access', { body: codeExchangeResponse('T0ONE', token) });
    const start = await startInstall(baseUrl);
    const done = await callback(baseUrl, { code: 'code-one', state: start.state }, start.cookie);
    expect(done.status).toBe(200);
    expect(done.body).toMatch(/Thank you/);

    const [exchange] = bed.fake.callsTo('oauth.v2.access');
    expect(exchange.args.code).toBe('code-one');
    expect(JSON.stringify(exchange.args) + String(exchange.authorization)).toContain(TEST_CLIENT_ID);

    const rows = rawInstallationRows(bed.dbFile);
    const row = rows.find((r) => r.team_id === 'T0ONE');
    expect(row).toBeDefined();
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(JSON.stringify(rows)).not.toContain('xoxb-');
    expect(bed.apps[0].logText()).not.toContain(token);

    const res = await postToSlackEndpoint(baseUrl, forTeam(mention('who patches the guest OS on EC2?'), 'T0ONE'));
    expect(res.status).toBe(200);
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(post.authorization).toBe(`Bearer ${token}`);
  });

  it('keeps each workspace on its own token', async () => {
    await bed.apps[0].app.store.saveInstallation(installationFor('T0TWO', { token: 'xoxb-team-two-token' }));
    await bed.apps[0].app.store.saveInstallation(installationFor('T0THREE', { token: 'xoxb-team-three-token' }));
    await postToSlackEndpoint(baseUrl, forTeam(mention('who patches the guest OS on EC2?', { channel: 'C0TWO' }), 'T0TWO'));
    await postToSlackEndpoint(baseUrl, forTeam(mention('who patches the guest OS on EC2?', { channel: 'C0THREE' }), 'T0THREE'));
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);
    const byChannel = Object.fromEntries(posts.map((p) => [p.args.channel, p.authorization]));
    expect(byChannel).toEqual({ C0TWO: 'Bearer xoxb-team-two-token', C0THREE: 'Bearer xoxb-team-three-token' });
  });

  it.each([
    ['a state not issued by this app', (_s: { state: string; cookie: string }) => ({ state: 'forged-state', cookie: 'slack-app-oauth-state=forged-state' })],
    ['a valid state without its browser cookie', (s: { state: string; cookie: string }) => ({ state: s.state, cookie: '' })],
    ['a valid state with another browser\'s cookie', (s: { state: string; cookie: string }) => ({ state: s.state, cookie: 'slack-app-oauth-state=someone-else' })],
  ])('refuses %s: 400, no code exchange, nothing stored', async (_label, tamper) => {
    const start = await startInstall(baseUrl);
    const { state, cookie } = tamper(start);
    const before = rawInstallationRows(bed.dbFile).length;
    const res = await callback(baseUrl, { code: 'stolen-code', state }, cookie || undefined);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('forged-state');
    expect(bed.fake.callsTo('oauth.v2.access')).toHaveLength(0);
    expect(rawInstallationRows(bed.dbFile)).toHaveLength(before);
  });

  it('answers a workspace that never installed the app with nothing (authorization fails, the event is acked)', async () => {
    const res = await postToSlackEndpoint(baseUrl, forTeam(mention('who patches the guest OS on EC2?'), 'T0NEVER'));
    expect(res.status).toBe(200);
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
    // Acked and written to the outbox; the worker finds no installation and gives the job up.
    await waitUntil(() => /Authorization of the workspace did not succeed/.test(bed.apps[0].logText()));
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(0);
  });

  it.each([
    ['app_uninstalled', 'tokens_revoked'],
    ['tokens_revoked', 'app_uninstalled'],
  ])('%s then %s delete the installation; the next event is not answered', async (first, second) => {
    const team = `T0${first === 'app_uninstalled' ? 'UNA' : 'REV'}`;
    await bed.apps[0].app.store.saveInstallation(installationFor(team, { token: `xoxb-${team}-token` }));
    await postToSlackEndpoint(baseUrl, forTeam(mention('who patches the guest OS on EC2?'), team));
    await bed.fake.waitForCalls('chat.postMessage', 1);

    const revoked = { type: 'tokens_revoked', tokens: { bot: ['UBOT'] } };
    const events: Record<string, Record<string, unknown>> = { app_uninstalled: { type: 'app_uninstalled' }, tokens_revoked: revoked };
    expect((await postToSlackEndpoint(baseUrl, forTeam(eventCallback(events[first]), team))).status).toBe(200);
    await waitUntil(() => !rawInstallationRows(bed.dbFile).some((r) => r.team_id === team));
    expect((await postToSlackEndpoint(baseUrl, forTeam(eventCallback(events[second]), team))).status).toBe(200);
    expect(await bed.apps[0].app.store.getInstallation({ teamId: team, isEnterpriseInstall: false })).toBeUndefined();

    const logsBefore = bed.apps[0].logs.length;
    const res = await postToSlackEndpoint(baseUrl, forTeam(mention('and who patches RDS?'), team));
    expect(res.status).toBe(200);
    await waitUntil(() => bed.apps[0].logs.slice(logsBefore).some((l) => l.event === 'outbox_job_failed' && /Authorization/.test(String(l.err))));
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
  });
});

describe('distributed Slack app: token rotation across two replicas', () => {
  let bed: OAuthTestBed;
  beforeAll(async () => {
    bed = await startOAuthTestBed(2);
  });
  afterAll(async () => {
    await bed.close();
  });

  it('two replicas with an expiring token: exactly one oauth.v2.access refresh, both answer with the new token', async () => {
    const store = bed.apps[0].app.store;
    const soon = Math.floor(Date.now() / 1000) + 60;
    await store.saveInstallation(installationFor('T0ROT', { token: 'xoxb-old-rotating', refreshToken: 'xoxe-1-old-refresh', expiresAt: soon }));
    // The refresh answer is held so the second replica arrives while the first is still refreshing.
    bed.fake.script('oauth.v2.access', {
      delayMs: 300,
      body: { ok: true, token_type: 'bot', access_token: 'xoxe.xoxb-new-rotated', refresh_token: 'xoxe-1-new-refresh', expires_in: 43_200, team: { id: 'T0ROT' } },
    });

    const [a, b] = await Promise.all([
      postToSlackEndpoint(bed.apps[0].baseUrl, forTeam(mention('who patches the guest OS on EC2?', { channel: 'C0ROTA' }), 'T0ROT')),
      postToSlackEndpoint(bed.apps[1].baseUrl, forTeam(mention('who patches the guest OS on EC2?', { channel: 'C0ROTB' }), 'T0ROT')),
    ]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2);

    const refreshes = bed.fake.callsTo('oauth.v2.access');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0].args).toMatchObject({ grant_type: 'refresh_token', refresh_token: 'xoxe-1-old-refresh' });
    expect(posts.map((p) => p.args.channel).sort()).toEqual(['C0ROTA', 'C0ROTB']);
    expect(posts.map((p) => p.authorization)).toEqual(['Bearer xoxe.xoxb-new-rotated', 'Bearer xoxe.xoxb-new-rotated']);

    const stored = await store.getInstallation<ReturnType<typeof installationFor>>({ teamId: 'T0ROT', isEnterpriseInstall: false });
    expect(stored?.bot).toMatchObject({ token: 'xoxe.xoxb-new-rotated', refreshToken: 'xoxe-1-new-refresh' });
    expect((stored?.bot as { expiresAt: number }).expiresAt).toBeGreaterThan(soon + 40_000);
    expect(JSON.stringify(rawInstallationRows(bed.dbFile))).not.toContain('xoxe-1-new-refresh');
  });

  it('a token far from expiry is used as stored, without any refresh', async () => {
    bed.fake.calls.length = 0;
    const later = Math.floor(Date.now() / 1000) + 10 * 3600;
    await bed.apps[0].app.store.saveInstallation(installationFor('T0FRESH', { token: 'xoxb-fresh-token', refreshToken: 'xoxe-1-fresh', expiresAt: later }));
    await postToSlackEndpoint(bed.apps[1].baseUrl, forTeam(mention('who patches the guest OS on EC2?'), 'T0FRESH'));
    const [post] = await bed.fake.waitForCalls('chat.postMessage');
    expect(post.authorization).toBe('Bearer xoxb-fresh-token');
    expect(bed.fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });
});

async function waitUntil(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('condition not met');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('distributed Slack app: installation cache across two replicas', () => {
  let bed: OAuthTestBed;
  beforeAll(async () => {
    bed = await startOAuthTestBed(2, { SLACK_INSTALLATION_CACHE_SECONDS: '1' });
  });
  afterAll(async () => {
    await bed.close();
  });

  it('an uninstall seen by one replica stops the other from answering once its cached copy is due for a check', async () => {
    const [a, b] = bed.apps;
    await a.app.store.saveInstallation(installationFor('T0CACHE', { token: 'xoxb-cached-token' }));
    await postToSlackEndpoint(b.baseUrl, forTeam(mention('who patches the guest OS on EC2?', { channel: 'C0CACHE' }), 'T0CACHE'));
    const [first] = await bed.fake.waitForCalls('chat.postMessage', 1);
    expect(first.authorization).toBe('Bearer xoxb-cached-token');

    expect((await postToSlackEndpoint(a.baseUrl, forTeam(eventCallback({ type: 'app_uninstalled' }), 'T0CACHE'))).status).toBe(200);
    await waitUntil(() => !rawInstallationRows(bed.dbFile).some((r) => r.team_id === 'T0CACHE'));
    await new Promise((r) => setTimeout(r, 1100));

    const logsBefore = b.logs.length;
    await postToSlackEndpoint(b.baseUrl, forTeam(mention('and who patches RDS?', { channel: 'C0CACHE' }), 'T0CACHE'));
    await waitUntil(() => b.logs.slice(logsBefore).some((l) => l.event === 'outbox_job_failed' && /Authorization/.test(String(l.err))));
    expect(bed.fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(b.logs.slice(logsBefore).some((l) => l.event === 'slack_installation_gone')).toBe(true);
  });

  it('a reinstall with a new token on one replica is used by the other within the check interval', async () => {
    const [a, b] = bed.apps;
    bed.fake.calls.length = 0;
    await a.app.store.saveInstallation(installationFor('T0NEWTOK', { token: 'xoxb-first-token' }));
    await postToSlackEndpoint(b.baseUrl, forTeam(mention('who patches the guest OS on EC2?', { channel: 'C0NEWTOK' }), 'T0NEWTOK'));
    await bed.fake.waitForCalls('chat.postMessage', 1);
    await a.app.store.saveInstallation(installationFor('T0NEWTOK', { token: 'xoxb-second-token' }));
    await new Promise((r) => setTimeout(r, 1100));
    await postToSlackEndpoint(b.baseUrl, forTeam(mention('who encrypts EBS volumes?', { channel: 'C0NEWTOK' }), 'T0NEWTOK'));
    const posts = await bed.fake.waitForCalls('chat.postMessage', 2, 10_000);
    expect(posts.map((p) => p.authorization)).toEqual(['Bearer xoxb-first-token', 'Bearer xoxb-second-token']);
  });
});
