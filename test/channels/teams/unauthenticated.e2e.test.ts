import { startTestApp } from '../../helpers/app';
import { loadConfig } from '../../../src/config';
import { buildApp } from '../../../src/app';
import { createLogger } from '../../../src/logger';
import { teamsMessage } from './fakes/activities';
import { FakeConnector } from './fakes/fakeConnector';

describe('Teams authentication is never silently off', () => {
  it('without MicrosoftAppId and without the explicit flag, there is no Teams endpoint', async () => {
    const app = await startTestApp({});
    try {
      const res = await fetch(`${app.baseUrl}/api/messages`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(404);
      expect(app.app.channels.map((c) => c.name)).not.toContain('teams');
    } finally {
      await app.close();
    }
  });

  it('refuses to start unauthenticated on a non-loopback address', async () => {
    const config = loadConfig({ PORT: '0', HOST: '0.0.0.0', TEAMS_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: '/nonexistent-never-created', LOG_LEVEL: 'silent' });
    await expect(buildApp(config, { logger: createLogger('silent') })).rejects.toMatchObject({ code: 'TEAMS_UNAUTHENTICATED_NOT_LOOPBACK' });
  });

  it('with the flag on loopback (Emulator): answers without a token, says so loudly, replies only to loopback, stores no references', async () => {
    const connector = await new FakeConnector().start();
    const app = await startTestApp({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' });
    try {
      expect(app.logs.some((l) => l.event === 'teams_auth_disabled' && l.level === 40)).toBe(true);
      const post = (serviceUrl: string, conversationId: string) =>
        fetch(`${app.baseUrl}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(teamsMessage('help', { serviceUrl, conversationId })) });
      expect((await post(connector.url, 'a:emu')).status).toBe(200);
      await connector.waitForMessages(1);
      expect(connector.calls.every((c) => c.authorization === undefined)).toBe(true);
      expect(await app.app.store.getConversationReference('teams:conversation:a:emu')).toBeUndefined();
      expect((await post('https://smba.trafficmanager.net/amer/', 'a:far')).status).toBe(200);
      expect(app.logs.some((l) => l.event === 'teams_service_url_refused')).toBe(true);
    } finally {
      await app.close();
      await connector.stop();
    }
  });
});
