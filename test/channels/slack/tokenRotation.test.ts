import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Installation } from '@slack/oauth';
import { TokenRotation } from '../../../src/channels/slack/oauth/tokenRotation';
import { createLogger } from '../../../src/logger';
import { createMetrics } from '../../../src/metrics';
import { openStore } from '../../../src/store';
import type { Store } from '../../../src/store/types';
import { FakeSlackApi } from './fakeSlackApi';
import { installationFor, TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_ENCRYPTION_KEY } from './oauthTestBed';

const query = (team: string) => ({ teamId: team, enterpriseId: undefined, isEnterpriseInstall: false });
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('TokenRotation (real SQLite store, fake oauth.v2.access)', () => {
  let fake: FakeSlackApi;
  let store: Store;
  let dir: string;
  const metrics = createMetrics();
  const rotation = () =>
    new TokenRotation({ store, clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, clientOptions: { slackApiUrl: fake.apiUrl }, logger: createLogger('silent'), metrics, waitMs: 200, pollMs: 10 });

  beforeAll(async () => {
    fake = await new FakeSlackApi().start();
    dir = mkdtempSync(join(tmpdir(), 'whosecures-rotation-'));
    store = await openStore({ dataDir: dir, encryptionKey: TEST_ENCRYPTION_KEY });
  });
  afterAll(async () => {
    await store.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    fake.calls.length = 0;
  });

  async function seed(team: string, expiresIn: number): Promise<Installation> {
    const installation = installationFor(team, { token: `xoxb-${team}-old`, refreshToken: `xoxe-${team}-old`, expiresAt: nowSeconds() + expiresIn }) as unknown as Installation;
    await store.saveInstallation(installation);
    return installation;
  }

  it('hands Bolt an installation without refresh fields, so Bolt never refreshes on its own', async () => {
    const installation = await seed('T0HANDED', 6 * 3600);
    const out = await rotation().fresh(query('T0HANDED'), installation);
    expect(out.bot).toMatchObject({ token: 'xoxb-T0HANDED-old', refreshToken: undefined, expiresAt: undefined });
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });

  it('a failed refresh keeps a still-valid token and counts the error; an expired one fails authorization', async () => {
    fake.script('oauth.v2.access', { body: { ok: false, error: 'invalid_refresh_token' } }, { body: { ok: false, error: 'invalid_refresh_token' } });
    const before = (await metrics.errors.get()).values.find((v) => v.labels.component === 'slack_token_refresh')?.value ?? 0;
    const valid = await seed('T0VALID', 600);
    expect((await rotation().fresh(query('T0VALID'), valid)).bot?.token).toBe('xoxb-T0VALID-old');
    const expired = await seed('T0EXPIRED', -10);
    await expect(rotation().fresh(query('T0EXPIRED'), expired)).rejects.toThrow(/expired/);
    const after = (await metrics.errors.get()).values.find((v) => v.labels.component === 'slack_token_refresh')?.value ?? 0;
    expect(after - before).toBe(2);
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(2);
  });

  it('the lock winner re-reads first: a token another replica already refreshed is not refreshed again', async () => {
    const stale = await seed('T0RACED', 60);
    // Another replica refreshed and its lock expired before this one claimed it.
    await store.saveInstallation(installationFor('T0RACED', { token: 'xoxb-T0RACED-new', refreshToken: 'xoxe-T0RACED-new', expiresAt: nowSeconds() + 43_200 }));
    const out = await rotation().fresh(query('T0RACED'), stale);
    expect(out.bot?.token).toBe('xoxb-T0RACED-new');
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });

  it('a replica that loses the lock and never sees a new token fails an expired token instead of spending the refresh token', async () => {
    const expired = await seed('T0LOCKED', -10);
    expect(await store.claimEvent('refresh:T0LOCKED', 30)).toBe(true); // another replica holds the lock
    await expect(rotation().fresh(query('T0LOCKED'), expired)).rejects.toThrow(/another replica/);
    expect(fake.callsTo('oauth.v2.access')).toHaveLength(0);
  });
});
