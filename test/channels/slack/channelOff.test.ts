import { startTestApp } from '../../helpers/app';

describe('Slack channel without Slack settings', () => {
  it('is off, says so in one log line, and serves no /slack/events', async () => {
    const app = await startTestApp({});
    try {
      const lines = app.logs.filter((l) => String(l.msg ?? '').startsWith('Slack channel off'));
      expect(lines).toHaveLength(1);
      expect(app.app.channels.map((c) => c.name)).not.toContain('slack');
      expect((await fetch(`${app.baseUrl}/slack/events`, { method: 'POST', body: '{}' })).status).toBe(404);
    } finally {
      await app.close();
    }
  });
});
