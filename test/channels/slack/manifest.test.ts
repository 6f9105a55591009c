import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SUGGESTED_PROMPTS } from '../../../src/channels/slack/listeners/assistantPanel';
import { BOT_SCOPES } from '../../../src/channels/slack/oauth/botScopes';
import { SLASH_COMMAND } from '../../../src/channels/slack/listeners/slashCommand';
import { ASK_SHORTCUT } from '../../../src/channels/slack/listeners/messageShortcut';

interface Manifest {
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    bot_user: { display_name: string };
    shortcuts?: Array<{ name: string; type: string; callback_id: string; description: string }>;
    slash_commands: Array<{ command: string; url: string; should_escape?: boolean }>;
    assistant_view: { assistant_description: string; suggested_prompts: Array<{ title: string; message: string }> };
  };
  oauth_config: { redirect_urls?: string[]; scopes: { bot: string[]; user?: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[]; user_events?: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
}

const manifest = JSON.parse(readFileSync(join(__dirname, '../../../manifest.json'), 'utf8')) as Manifest;

describe('manifest.json: what the Slack app depends on', () => {
  it('asks for exactly the least-privilege bot scopes the features need, and no user scopes', () => {
    // app_mention -> app_mentions:read; message.im -> im:history; replies -> chat:write;
    // /whosecures -> commands; assistant panel (events, status, prompts) -> assistant:write;
    // onboarding: team_join and users.info -> users:read, member_joined_channel -> channels:read and
    // groups:read, the welcome DM (conversations.open) -> im:write; curators named by user group in
    // SLACK_CURATORS (usergroups.users.list) -> usergroups:read.
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['app_mentions:read', 'assistant:write', 'channels:read', 'chat:write', 'commands', 'groups:read', 'im:history', 'im:write', 'usergroups:read', 'users:read']);
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
    for (const risky of ['search:read', 'channels:history', 'groups:history', 'mpim:history', 'chat:write.public', 'users:read.email', 'admin']) {
      expect(manifest.oauth_config.scopes.bot).not.toContain(risky);
    }
  });

  it('subscribes to the events the listeners handle, as bot events only', () => {
    // app_uninstalled and tokens_revoked: the distributed app deletes a workspace's tokens on either.
    // app_home_opened: the Home tab is published when a user opens it (no scope needed).
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([
      'app_home_opened',
      'app_mention',
      'app_uninstalled',
      'assistant_thread_context_changed',
      'assistant_thread_started',
      'member_joined_channel',
      'message.im',
      'team_join',
      'tokens_revoked',
    ]);
    expect(manifest.settings.event_subscriptions.user_events ?? []).toEqual([]);
  });

  it('the install link asks for exactly the manifest scopes, and Slack redirects installs to /slack/oauth_redirect', () => {
    expect([...BOT_SCOPES].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
    expect(manifest.oauth_config.redirect_urls).toEqual([expect.stringMatching(/^https:\/\/[^/]+\/slack\/oauth_redirect$/)]);
  });

  it('declares the slash command the app registers, unescaped (the app escapes on output)', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
  });

  it('sends events, the command and interactivity (the buttons) to /slack/events over https', () => {
    const urls = [manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url, ...manifest.features.slash_commands.map((c) => c.url)];
    for (const url of urls) expect(url).toMatch(/^https:\/\/[^/]+\/slack\/events$/);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });

  it('enables DMs and the assistant view, with the same suggested prompts the app sets', () => {
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true);
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(false);
    expect(manifest.features.assistant_view.assistant_description.length).toBeGreaterThan(10);
    expect(manifest.features.assistant_view.suggested_prompts).toEqual(SUGGESTED_PROMPTS);
  });

  it('turns the Home tab on (published on app_home_opened; SLACK_HOME_TAB_ENABLED=false leaves it empty)', () => {
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('declares the "Ask whosecures" message shortcut the app listens for', () => {
    expect(manifest.features.shortcuts).toEqual([expect.objectContaining({ name: 'Ask whosecures', type: 'message', callback_id: ASK_SHORTCUT })]);
  });

  it('defaults to HTTP mode (Socket Mode is switched on per app, see docs/slack.md)', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });
});
