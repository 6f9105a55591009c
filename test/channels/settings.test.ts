import { channelSettings } from '../../src/app';
import { loadConfig } from '../../src/config';

/** Every kind of setting at once: each channel must get its own and nothing else. */
const env = {
  SLACK_BOT_TOKEN: 'xoxb-1-slack-only',
  SLACK_SIGNING_SECRET: 'slack-signing-secret',
  ESCALATION_CHANNEL: 'C0123ABCD',
  MicrosoftAppId: 'teams-app',
  MicrosoftAppPassword: 'teams-password',
  MicrosoftAppType: 'MultiTenant',
  TEAMS_ESCALATION_CHANNEL: '19:curators0a1b@thread.tacv2',
  BotOpenIdMetadata: ' http://127.0.0.1:1/openid ',
  OPENAI_API_KEY: 'sk-model-only',
  STORE_ENCRYPTION_KEY: 'store-only-key',
  DATABASE_URL: 'postgres://user:store-only@127.0.0.1/db',
  UNRELATED: 'from the environment',
};

describe('each channel receives only its own settings', () => {
  const { slack, teams } = channelSettings(loadConfig(env));

  it('Slack: its settings and the outbox limits; no Teams, model, store or raw environment values', () => {
    expect(slack).toMatchObject({ SLACK_BOT_TOKEN: 'xoxb-1-slack-only', ESCALATION_CHANNEL: 'C0123ABCD', slackMode: 'http', OUTBOX_MAX_HELD: 1000, installationsEncrypted: true });
    expect(Object.keys(slack).filter((k) => /^(Microsoft|TEAMS_|teams|OPENAI|LLM_|DATABASE_URL|STORE_|DATA_DIR|raw$)/.test(k))).toEqual([]);
    const values = JSON.stringify(slack);
    for (const secret of ['teams-password', 'sk-model-only', 'store-only-key', 'store-only', 'from the environment']) expect(values).not.toContain(secret);
  });

  it("Teams: its settings, botbuilder's own keys from the environment (trimmed), nothing of Slack's", () => {
    expect(teams).toMatchObject({ MicrosoftAppId: 'teams-app', TEAMS_ESCALATION_CHANNEL: '19:curators0a1b@thread.tacv2', HOST: '127.0.0.1', OUTBOX_MAX_HELD: 1000 });
    expect(teams.botFramework).toEqual({ BotOpenIdMetadata: 'http://127.0.0.1:1/openid' });
    expect(Object.keys(teams).filter((k) => /^(SLACK_|slack|ESCALATION_CHANNEL|DIGEST_CHANNEL|OPENAI|LLM_|DATABASE_URL|STORE_|DATA_DIR|raw$)/.test(k))).toEqual([]);
    const values = JSON.stringify(teams);
    for (const secret of ['xoxb-1-slack-only', 'slack-signing-secret', 'sk-model-only', 'store-only-key', 'store-only', 'from the environment']) expect(values).not.toContain(secret);
  });
});
