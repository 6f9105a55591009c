import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BOT_SCOPES } from '../../../src/channels/slack/oauth/botScopes';
import { startTestApp, type TestApp } from '../../helpers/app';
import type { Store } from '../../../src/store/types';
import { FakeSlackApi } from './fakeSlackApi';
import { TEST_SIGNING_SECRET } from './signedRequest';

export const TEST_CLIENT_ID = '1111.2222';
export const TEST_CLIENT_SECRET = 'test-client-secret-sentinel-3a8e';
export const TEST_STATE_SECRET = 'test-state-secret-sentinel-b7c1';
export const TEST_ENCRYPTION_KEY = 'test-encryption-passphrase-sentinel-61f0';

/** The distributed app's settings, the encryption key included. */
export const TEST_OAUTH_ENV = {
  SLACK_CLIENT_ID: TEST_CLIENT_ID,
  SLACK_CLIENT_SECRET: TEST_CLIENT_SECRET,
  SLACK_STATE_SECRET: TEST_STATE_SECRET,
  SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
  STORE_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
};

export interface OAuthTestBed {
  fake: FakeSlackApi;
  /** One or more replicas of the real app on one SQLite file. */
  apps: TestApp[];
  dbFile: string;
  close(): Promise<void>;
}

/** The real app in distributed-app mode (one or more replicas, one database), Slack faked. */
export async function startOAuthTestBed(replicas = 1, env: Record<string, string> = {}, store?: Store): Promise<OAuthTestBed> {
  const fake = await new FakeSlackApi().start();
  const dir = mkdtempSync(join(tmpdir(), 'whosecures-oauth-'));
  const dbFile = join(dir, 'shared.db');
  const apps: TestApp[] = [];
  for (let i = 0; i < replicas; i++) {
    apps.push(
      await startTestApp({
        ...TEST_OAUTH_ENV,
        SLACK_API_URL: fake.apiUrl,
        SLACK_POST_SPACING_MS: '0',
        DATABASE_URL: dbFile,
        ...env,
      }, store ? { store } : {}),
    );
  }
  return {
    fake,
    apps,
    dbFile,
    async close() {
      for (const app of apps) await app.close();
      await fake.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What Slack's oauth.v2.access answers for a code exchange in `team`. */
export function codeExchangeResponse(team: string, botToken: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ok: true,
    app_id: 'A0TEST',
    authed_user: { id: 'UINSTALLER' },
    scope: BOT_SCOPES.join(','),
    token_type: 'bot',
    access_token: botToken,
    bot_user_id: 'UBOT',
    team: { id: team, name: `Team ${team}` },
    enterprise: null,
    is_enterprise_install: false,
    ...extra,
  };
}

/** An installation as Bolt stores it, for seeding the store directly. */
export function installationFor(team: string, bot: { token: string; refreshToken?: string; expiresAt?: number }): Record<string, unknown> & { team: { id: string; name: string } } {
  return {
    team: { id: team, name: `Team ${team}` },
    enterprise: undefined,
    user: { id: 'UINSTALLER' },
    tokenType: 'bot',
    isEnterpriseInstall: false,
    appId: 'A0TEST',
    authVersion: 'v2',
    bot: { id: 'BBOT', userId: 'UBOT', scopes: [...BOT_SCOPES], ...bot },
  };
}

/** A Slack event body as delivered to `team`'s installation. */
export function forTeam(body: Record<string, unknown>, team: string): Record<string, unknown> {
  return { ...body, team_id: team, authorizations: [{ team_id: team, user_id: 'UBOT', is_bot: true, is_enterprise_install: false }] };
}
