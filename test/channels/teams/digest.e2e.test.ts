import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isoWeek } from '../../../src/curator/weeklyDigest';
import { TEAMS_DIGEST } from '../../../src/channels/teams/outbox/escalationJobs';
import { ensureBuilt } from '../../helpers/botProcess';
import { TENANT, teamsMessage } from './fakes/activities';
import type { FakeConnector, RecordedCall } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';
import { cardProblems, cardTexts } from './fakes/validateCard';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const DIGEST = '19:digest0c0d@thread.tacv2';
const WEEK_MS = 7 * 86_400_000;
const OTHER_TENANT = '00000000-0000-0000-0000-0000000000b2';

/** Early in next ISO week (Monday 00:30 UTC): its 7 days still hold what was asked today. */
function nextMonday(): () => Date {
  const monday = new Date();
  monday.setUTCHours(0, 30, 0, 0);
  monday.setUTCDate(monday.getUTCDate() + ((8 - (monday.getUTCDay() || 7)) % 7 || 7));
  return () => new Date(monday);
}

async function until(test: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
}

async function metric(bed: TeamsTestBed, outcome: string): Promise<number> {
  const text = await (await fetch(`${bed.app.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`whosecures_digests_total{platform="teams",outcome="${outcome}"}`));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** A personal-chat question from a user of `tenant`. */
function fromTenant(bed: TeamsTestBed, text: string, tenant: string, id?: string) {
  const activity = teamsMessage(text, { serviceUrl: bed.connector.url, ...(id ? { id } : {}) });
  return { ...activity, conversation: { ...activity.conversation!, id: `a:conv-${tenant}`, tenantId: tenant }, channelData: { tenant: { id: tenant } } };
}

describe('the Teams weekly gaps digest, channel never heard from and no service URL known', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID, env: { TEAMS_DIGEST_CHANNEL: DIGEST, TEAMS_TENANT_ID: TENANT, TEAMS_POST_SPACING_MS: '0', RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_ENABLED: 'false' } });
    ({ connector } = bed);
  });
  afterAll(async () => {
    await bed?.close();
  });

  const inChannel = (): RecordedCall[] => connector.messages.filter((c) => decodeURIComponent(c.path).startsWith(`/v3/conversations/${DIGEST}/activities`));
  const logged = (event: string) => bed.app.logs.filter((l) => l.event === event);

  it('keeps the week\u2019s digest in the store, says why, and counts it as pending', async () => {
    await until(() => logged('teams_digest_pending').length > 0);
    expect(logged('teams_digest_pending')).toHaveLength(1);
    expect(logged('teams_digest_pending')[0]).toMatchObject({ level: 40, trigger: 'tenant' });
    expect(logged('outbox_job_failed')).toHaveLength(0);
    expect(connector.created).toHaveLength(0);
    expect(inChannel()).toHaveLength(0);
    expect(await bed.app.app.store.parkedTriggers()).toEqual([`teams:tenant:${TENANT}`]);
    expect(await metric(bed, 'pending')).toBe(1);
    expect(await metric(bed, 'posted')).toBe(0);
  });

  it('an activity from another tenant does not send it', async () => {
    const before = connector.messages.length;
    expect((await bed.postSigned(fromTenant(bed, 'who patches EC2?', OTHER_TENANT))).status).toBe(200);
    await connector.waitForMessages(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.created).toHaveLength(0);
    expect(logged('teams_digest_resumed')).toHaveLength(0);
    expect(await bed.app.app.store.parkedTriggers()).toEqual([`teams:tenant:${TENANT}`]);
  });

  it('the first activity from the tenant sends it: a new post created in the channel on that activity\u2019s service URL', async () => {
    expect((await bed.postSigned(fromTenant(bed, 'who secures the *zorblax* ledger at https://evil.example?', TENANT))).status).toBe(200);
    await connector.waitFor(() => connector.created.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.created).toHaveLength(1);
    const [created] = connector.created;
    expect(created.authorization).toBe(`Bearer ${bed.outboundToken}`);
    expect(created.body).toMatchObject({ isGroup: true, tenantId: TENANT, bot: { id: `28:${APP_ID}` }, channelData: { channel: { id: DIGEST }, tenant: { id: TENANT } } });
    const activity = created.body.activity as { type: string; attachments: Array<{ content: unknown }> };
    expect(activity.type).toBe('message');
    const card = activity.attachments[0].content;
    expect(cardProblems(card)).toEqual([]);
    expect(cardTexts(card).join('\n')).toContain(`Weekly gaps digest (${isoWeek(new Date())})`);
    expect(logged('teams_digest_resumed')).toHaveLength(1);
    expect(logged('teams_digest_conversation_created')[0]).toMatchObject({ serviceUrlFrom: 'tenant', tenantKnown: true });
    expect(await bed.app.app.store.parkedTriggers()).toEqual([]);
    expect(await metric(bed, 'resumed')).toBe(1);
    expect(await metric(bed, 'posted')).toBe(1);
    // Another activity from the tenant sends nothing more.
    const before = connector.calls.length;
    expect((await bed.postSigned(fromTenant(bed, 'who patches RDS?', TENANT))).status).toBe(200);
    await connector.waitFor(() => connector.messages.some((m) => connector.calls.indexOf(m) >= before));
    await new Promise((r) => setTimeout(r, 300));
    expect(connector.created).toHaveLength(1);
  });

  it('the next week\u2019s digest goes straight to the channel, once, with the week\u2019s gaps escaped', async () => {
    const nextWeek = nextMonday();
    expect(await bed.teams.escalations.queueDigest(nextWeek)).toBe(true);
    expect(await bed.teams.escalations.queueDigest(nextWeek)).toBe(false);
    await connector.waitFor(() => inChannel().length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(inChannel()).toHaveLength(1);
    expect(connector.created).toHaveLength(1);
    const [digest] = inChannel();
    expect(digest.authorization).toBe(`Bearer ${bed.outboundToken}`);
    const card = (digest.body.attachments as Array<{ content: unknown }>)[0].content;
    expect(cardProblems(card)).toEqual([]);
    const text = cardTexts(card).join('\n');
    expect(text).toContain(`Weekly gaps digest (${isoWeek(nextWeek())})`);
    expect(text).toMatch(/^1\. .*: 1 \(1 (not found|low confidence); 1 user\)$/m);
    expect(text).not.toContain('https://evil.example');
    expect(text).toContain('\\*zorblax\\*');
  });
});

describe('the Teams weekly gaps digest with TEAMS_PROACTIVE_SERVICE_URL', () => {
  let bed: TeamsTestBed;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID, env: (url) => ({ TEAMS_DIGEST_CHANNEL: DIGEST, TEAMS_TENANT_ID: TENANT, TEAMS_PROACTIVE_SERVICE_URL: url, TEAMS_POST_SPACING_MS: '0', ONBOARDING_ENABLED: 'false' }) });
  });
  afterAll(async () => {
    await bed?.close();
  });

  it('creates the post in the channel at once, before any activity, and keeps the channel for later posts', async () => {
    await bed.connector.waitFor(() => bed.connector.created.length === 1);
    await until(() => bed.app.logs.some((l) => l.event === 'digest_posted'));
    const [created] = bed.connector.created;
    expect(created.body).toMatchObject({ tenantId: TENANT, channelData: { channel: { id: DIGEST } } });
    expect(bed.app.logs.find((l) => l.event === 'teams_digest_conversation_created')).toMatchObject({ serviceUrlFrom: 'configured' });
    expect(bed.app.logs.some((l) => l.event === 'teams_digest_pending')).toBe(false);
    expect(await bed.app.app.store.getConversationReference(`teams:channel:${DIGEST}`)).toMatchObject({ authenticated: true, reference: { serviceUrl: bed.connector.url, conversation: { id: DIGEST, tenantId: TENANT } } });
  });
});

describe('the Teams weekly gaps digest with no tenant known (a multi-tenant bot, no TEAMS_TENANT_ID)', () => {
  let bed: TeamsTestBed;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID, env: { MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '', TEAMS_DIGEST_CHANNEL: DIGEST, TEAMS_POST_SPACING_MS: '0', RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_ENABLED: 'false' } });
  });
  afterAll(async () => {
    await bed?.close();
  });

  const inChannel = (): RecordedCall[] => bed.connector.messages.filter((c) => decodeURIComponent(c.path).startsWith(`/v3/conversations/${DIGEST}/activities`) && (c.body.attachments as Array<{ content: { body?: unknown } }> | undefined)?.[0]?.content !== undefined && cardTexts((c.body.attachments as Array<{ content: unknown }>)[0].content).join('\n').includes('Weekly gaps digest'));

  it('keeps the digest until the bot hears from the channel itself, then posts it there', async () => {
    await until(() => bed.app.logs.some((l) => l.event === 'teams_digest_pending'));
    expect(bed.app.logs.find((l) => l.event === 'teams_digest_pending')).toMatchObject({ trigger: 'channel' });
    // A personal chat of the tenant is not enough: the bot cannot tell which tenant the channel is in.
    const before = bed.connector.messages.length;
    expect((await bed.postSigned(fromTenant(bed, 'who patches EC2?', TENANT))).status).toBe(200);
    await bed.connector.waitForMessages(before + 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(inChannel()).toHaveLength(0);
    const mention = teamsMessage('who patches EC2?', { serviceUrl: bed.connector.url, conversationType: 'channel', mention: true, conversationId: `${DIGEST};messageid=1700000000001` });
    expect((await bed.postSigned(mention)).status).toBe(200);
    await bed.connector.waitFor(() => inChannel().length === 1);
    expect(bed.connector.created).toHaveLength(0);
    expect(bed.app.logs.find((l) => l.event === 'teams_digest_resumed')).toMatchObject({ trigger: 'channel' });
  });
});

/** Runs one replica's claims in a child process; resolves with its outcomes. */
function replica(env: Record<string, string>): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'fakes/digestClaimChild.js')], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as boolean[]) : reject(new Error(`replica exited with ${code}: ${err}`))));
  });
}

describe('the Teams digest claim with two processes on one SQLite file', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'whosecures-teams-digest-'));
  }, 240_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each week is claimed by exactly one replica, and one digest job is queued per week', async () => {
    const weeks = Array.from({ length: 8 }, (_, i) => new Date(Date.UTC(2027, 0, 4) + i * WEEK_MS).toISOString());
    const env = { DATA_DIR: dir, CHANNEL: DIGEST, WEEKS: JSON.stringify(weeks), START_AT: String(Date.now() + 1500) };
    const [a, b] = await Promise.all([replica(env), replica(env)]);
    expect(a.map((won, i) => Number(won) + Number(b[i]))).toEqual(weeks.map(() => 1));
    const db = new Database(join(dir, 'whosecures.db'), { readonly: true });
    try {
      const jobs = db.prepare('SELECT payload FROM outbox_jobs WHERE kind = ?').all(TEAMS_DIGEST) as Array<{ payload: string }>;
      const queued = jobs.map((j) => (JSON.parse(j.payload) as { week: string; channel: string })).sort((x, y) => x.week.localeCompare(y.week));
      expect(queued.map((p) => p.week)).toEqual(weeks.map((w) => isoWeek(new Date(w))));
      expect(new Set(queued.map((p) => p.channel))).toEqual(new Set([DIGEST]));
    } finally {
      db.close();
    }
  }, 60_000);
});
