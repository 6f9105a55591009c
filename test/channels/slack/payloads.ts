import { randomUUID } from 'node:crypto';

/** Slack payloads as the platform sends them, with just the fields the bot reads. */

let seq = 0;
const nextTs = () => `${1_710_000_000 + ++seq}.00${String(seq).padStart(4, '0')}`;

export function eventId(): string {
  return `Ev${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
}

export function eventCallback(event: Record<string, unknown>, id = eventId()): Record<string, unknown> {
  return {
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    api_app_id: 'A0TEST',
    event: { event_ts: event.ts ?? nextTs(), ...event },
    type: 'event_callback',
    event_id: id,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T0TEST', user_id: 'UBOT', is_bot: true, is_enterprise_install: false }],
  };
}

export function mention(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return eventCallback({ type: 'app_mention', user: 'UASKER1', text: `<@UBOT> ${text}`, ts: nextTs(), channel: 'C0CHAN', ...extra });
}

export function directMessage(text: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return eventCallback({ type: 'message', channel_type: 'im', user: 'UASKER1', text, ts: nextTs(), channel: 'D0DM', ...extra });
}

export function slashCommand(text: string, responseUrl: string, extra: Record<string, string> = {}): string {
  return new URLSearchParams({
    token: 'deprecated',
    team_id: 'T0TEST',
    team_domain: 'test',
    channel_id: 'C0CHAN',
    channel_name: 'general',
    user_id: 'UASKER1',
    user_name: 'asker',
    command: '/whosecures',
    text,
    api_app_id: 'A0TEST',
    response_url: responseUrl,
    trigger_id: '1.2.3',
    ...extra,
  }).toString();
}

export interface ActionOptions {
  responseUrl: string;
  ephemeral?: boolean;
  messageTs?: string;
  threadTs?: string;
  channel?: string;
  user?: string;
}

export function blockAction(actionId: string, value: string, options: ActionOptions): string {
  const channel = options.channel ?? 'C0CHAN';
  const ts = options.messageTs ?? nextTs();
  const payload = {
    type: 'block_actions',
    user: { id: options.user ?? 'UASKER1', username: 'asker', team_id: 'T0TEST' },
    api_app_id: 'A0TEST',
    team: { id: 'T0TEST', domain: 'test' },
    container: options.ephemeral
      ? { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: true }
      : { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
    channel: { id: channel, name: 'general' },
    ...(options.ephemeral ? {} : { message: { type: 'message', ts, user: 'UBOT', bot_id: 'BBOT', text: 'answer', ...(options.threadTs ? { thread_ts: options.threadTs } : {}) } }),
    response_url: options.responseUrl,
    trigger_id: '1.2.3',
    actions: [{ type: 'button', action_id: actionId, block_id: 'answer_actions', value, action_ts: nextTs(), text: { type: 'plain_text', text: 'x' } }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function newTs(): string {
  return nextTs();
}
