import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';

export const BOT = { id: '28:bot-id', name: 'whosecures' };
export const USER = { id: '29:user-1', name: 'Ada', aadObjectId: '00000000-0000-0000-0000-0000000000a1' };
export const TENANT = '00000000-0000-0000-0000-00000000fe11';

/** A message activity as Teams delivers it, in a personal chat unless `conversationType` says otherwise. */
export function teamsMessage(text: string, options: { serviceUrl: string; conversationType?: 'personal' | 'channel' | 'groupChat'; mention?: boolean; id?: string; conversationId?: string }): Partial<Activity> {
  const conversationType = options.conversationType ?? 'personal';
  const mentionText = `<at>${BOT.name}</at>`;
  return {
    type: 'message',
    id: options.id ?? randomUUID(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    timestamp: new Date(),
    from: USER,
    recipient: BOT,
    conversation: { id: options.conversationId ?? `a:conv-${conversationType}`, conversationType, tenantId: TENANT, isGroup: conversationType !== 'personal', name: undefined as unknown as string },
    channelData: { tenant: { id: TENANT } },
    text: options.mention ? `${mentionText} ${text}` : text,
    textFormat: 'plain',
    entities: options.mention ? [{ type: 'mention', mentioned: BOT, text: mentionText }] : [],
  };
}

/**
 * An Action.Execute invoke from a card. By default the user clicks in a personal chat; `from`,
 * `conversation`, `channel` (the team channel's id in channelData) and `replyToId` (the card's
 * message) set who clicks where.
 */
export function cardAction(
  verb: string,
  data: Record<string, unknown>,
  options: { serviceUrl: string; conversationType?: 'personal' | 'channel'; from?: object; conversation?: Record<string, unknown>; channel?: string; replyToId?: string },
): Partial<Activity> {
  const conversationType = options.conversationType ?? 'personal';
  return {
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: (options.from ?? USER) as Activity['from'],
    recipient: BOT,
    conversation: (options.conversation ?? { id: `a:conv-${conversationType}`, conversationType, tenantId: TENANT, isGroup: false, name: undefined as unknown as string }) as unknown as Activity['conversation'],
    ...(options.conversation || options.channel ? { channelData: { tenant: { id: TENANT }, ...(options.channel ? { channel: { id: options.channel } } : {}) } } : {}),
    ...(options.replyToId ? { replyToId: options.replyToId } : {}),
    value: { action: { type: 'Action.Execute', id: 'x', verb, data } },
  };
}

export function searchQuery(text: string | undefined, options: { serviceUrl: string }): Partial<Activity> {
  return {
    type: 'invoke',
    name: 'composeExtension/query',
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: USER,
    recipient: BOT,
    conversation: { id: 'a:conv-personal', conversationType: 'personal', tenantId: TENANT, isGroup: false, name: undefined as unknown as string },
    value: text === undefined ? { commandId: 'searchAnswers', parameters: [{ name: 'initialRun', value: 'true' }] } : { commandId: 'searchAnswers', parameters: [{ name: 'query', value: text }] },
  };
}

/** A personal install as Teams sends it: conversationUpdate with the bot added, or installationUpdate "add". */
export function personalInstall(options: { serviceUrl: string; type?: 'conversationUpdate' | 'installationUpdate'; id?: string }): Partial<Activity> {
  const type = options.type ?? 'conversationUpdate';
  return {
    type,
    ...(options.id ? { id: options.id } : {}),
    channelId: 'msteams',
    serviceUrl: options.serviceUrl,
    from: USER,
    recipient: BOT,
    conversation: { id: 'a:conv-personal', conversationType: 'personal', isGroup: false, name: '', tenantId: 't' },
    ...(type === 'conversationUpdate' ? { membersAdded: [{ id: BOT.id, name: BOT.name }] } : { action: 'add' }),
  };
}
