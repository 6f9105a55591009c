import { isoWeek, queueWeeklyDigest } from '../../../src/channels/slack/digest/weeklyDigest';
import pino from 'pino';
import type { OutboxWorker } from '../../../src/outbox/worker';
import { startTestApp, type TestApp } from '../../helpers/app';
import { describePostgres, postgresStatus, postgresTestDb, sqliteTestDb, type TestDb } from '../../store/helpers/backends';
import { FakeSlackApi } from './fakeSlackApi';
import { mention } from './payloads';
import { postToSlackEndpoint, TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from './signedRequest';
import { allTexts } from './slackTestApp';

describe('isoWeek', () => {
  it('numbers weeks as ISO 8601 does, across year ends', () => {
    expect(isoWeek(new Date('2026-12-04T12:00:00Z'))).toBe('2026-W49');
    expect(isoWeek(new Date('2026-01-01T00:00:00Z'))).toBe('2026-W01');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(new Date('2026-11-29T23:59:59Z'))).toBe('2026-W48');
    expect(isoWeek(new Date('2026-11-30T00:00:00Z'))).toBe('2026-W49');
  });
});

const silent = pino({ level: 'silent' });

/**
 * Two app instances (each with its own Slack worker and digest checks) on one database: on
 * PostgreSQL each has its own store; on SQLite they share one (one process cannot hold two
 * writers of a file), so the claim is still decided by the database, once.
 */
function digestSuite(name: string, makeDb: () => Promise<TestDb>, ownStores: boolean): void {
describe(`the weekly gaps digest with two replicas on ${name}`, () => {
  const DIGEST = 'C0DIGEST';
  let fake: FakeSlackApi;
  let db: TestDb;
  const replicas: TestApp[] = [];

  beforeAll(async () => {
    fake = await new FakeSlackApi().start();
    db = await makeDb();
    const env = {
      SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_POST_SPACING_MS: '0',
      RATE_LIMIT_PER_MINUTE: '1000',
      DIGEST_CHANNEL: DIGEST,
    };
    const shared = ownStores ? undefined : await db.open({ resilient: false });
    for (let i = 0; i < 2; i++) replicas.push(await startTestApp(env, { store: shared ?? (await db.open({ resilient: false })) }));
  });
  afterAll(async () => {
    for (const r of replicas) await r.close();
    await fake.close();
    await db.cleanup();
  });

  // A wake that does nothing: the replicas' own workers poll the store and send what is queued.
  const deps = (r: TestApp) => ({ store: r.app.store, worker: { wake: () => undefined } as unknown as OutboxWorker, logger: silent, metrics: r.app.metrics, channel: DIGEST });
  const digests = () => fake.callsTo('chat.postMessage').filter((c) => c.args.channel === DIGEST);

  it('is posted once per week however many replicas check, with the week\u2019s gaps', async () => {
    await fake.waitFor(() => digests().length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(digests()).toHaveLength(1);
    const [digest] = digests();
    const text = allTexts(digest.args.blocks).join('\n');
    expect(text).toContain(`Weekly gaps digest (${isoWeek(new Date())})`);
    expect(text).toMatch(/No gaps since|gap\(s\) since/);

    // Later checks in the same week, on either replica, find the week's claim taken.
    const [a, b] = replicas;
    expect(await Promise.all([queueWeeklyDigest(deps(a)), queueWeeklyDigest(deps(b))])).toEqual([false, false]);
    // The next week's first check queues the next digest; the other replica's finds it taken.
    const nextWeek = () => new Date(Date.now() + 7 * 86_400_000);
    expect(await queueWeeklyDigest({ ...deps(a), now: nextWeek })).toBe(true);
    expect(await queueWeeklyDigest({ ...deps(b), now: nextWeek })).toBe(false);
  });

  it('lists the week\u2019s questions the knowledge base could not answer, escaped', async () => {
    await postToSlackEndpoint(replicas[0].baseUrl, mention('who secures the <!channel> zorblax ledger?'));
    await fake.waitFor(() => fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0CHAN'));
    // Another digest channel has a claim of its own this week: the running workers send it.
    expect(await queueWeeklyDigest({ ...deps(replicas[1]), channel: 'C0DIGEST2' })).toBe(true);
    const [digest] = (await fake.waitFor(() => fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0DIGEST2'))).filter((c) => c.args.channel === 'C0DIGEST2');
    const text = allTexts(digest.args.blocks).join('\n');
    expect(text).toMatch(/^1\. words: .*: 1 \(1 not found; 1 user\)$/m);
    expect(text).toContain('"who secures the @channel zorblax ledger?"');
    expect(text).not.toContain('<!channel>');
  });
});
}

digestSuite('SQLite', sqliteTestDb, false);
describePostgres('weekly digest (PostgreSQL)', () => digestSuite('PostgreSQL', () => postgresTestDb(postgresStatus().url!), true));
