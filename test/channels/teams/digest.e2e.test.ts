import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isoWeek } from '../../../src/curator/weeklyDigest';
import { TEAMS_DIGEST } from '../../../src/channels/teams/outbox/escalationJobs';
import { ensureBuilt } from '../../helpers/botProcess';
import { teamsMessage } from './fakes/activities';
import type { FakeConnector, RecordedCall } from './fakes/fakeConnector';
import { startTeamsTestBed, type TeamsTestBed } from './fakes/testBed';
import { cardProblems, cardTexts } from './fakes/validateCard';

const APP_ID = '11111111-2222-3333-4444-555555555555';
const DIGEST = '19:digest0c0d@thread.tacv2';
const WEEK_MS = 7 * 86_400_000;

describe('the Teams weekly gaps digest (TEAMS_DIGEST_CHANNEL set)', () => {
  let bed: TeamsTestBed;
  let connector: FakeConnector;

  beforeAll(async () => {
    bed = await startTeamsTestBed({ appId: APP_ID, env: { TEAMS_DIGEST_CHANNEL: DIGEST, TEAMS_POST_SPACING_MS: '0', RATE_LIMIT_PER_MINUTE: '1000', ONBOARDING_ENABLED: 'false' } });
    ({ connector } = bed);
  });
  afterAll(async () => {
    await bed?.close();
  });

  const digests = (): RecordedCall[] => connector.messages.filter((c) => decodeURIComponent(c.path).startsWith(`/v3/conversations/${DIGEST}/activities`));

  it('before the bot has heard from the channel, the week\u2019s digest is given up with a line saying why', async () => {
    const deadline = Date.now() + 5000;
    while (!bed.app.logs.some((l) => l.event === 'teams_digest_no_reference') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(bed.app.logs.some((l) => l.event === 'teams_digest_no_reference')).toBe(true);
    expect(digests()).toHaveLength(0);
  });

  it('once mentioned in the channel, the next week\u2019s digest is posted there once, with the week\u2019s gaps escaped', async () => {
    const before = connector.messages.length;
    const mention = teamsMessage('who secures the *zorblax* ledger at https://evil.example?', { serviceUrl: connector.url, conversationType: 'channel', mention: true, conversationId: `${DIGEST};messageid=1700000000001` });
    expect((await bed.postSigned(mention)).status).toBe(200);
    await connector.waitForMessages(before + 1);

    // Early in next ISO week (Monday 00:30 UTC): its 7 days still hold the question just asked.
    const monday = new Date();
    monday.setUTCHours(0, 30, 0, 0);
    monday.setUTCDate(monday.getUTCDate() + ((8 - (monday.getUTCDay() || 7)) % 7 || 7));
    const nextWeek = () => new Date(monday);
    expect(await bed.teams.escalations.queueDigest(nextWeek)).toBe(true);
    expect(await bed.teams.escalations.queueDigest(nextWeek)).toBe(false);
    await connector.waitFor(() => digests().length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(digests()).toHaveLength(1);
    const [digest] = digests();
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

/** Runs one replica's claims in a child process; resolves with its outcomes. */
function replica(env: Record<string, string>): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'fakes/digestClaimChild.js')], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as boolean[]) : reject(new Error(`replica exited with ${code}: ${err}`))));
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
