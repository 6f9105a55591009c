import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { ClaimsIdentity } from 'botframework-connector';
import type { Logger } from 'pino';
import type { Store } from '../../store/types';
import { isAllowedServiceUrl, type ServiceUrlPolicy } from './serviceUrls';

/**
 * Conversation references for proactive messages (the onboarding course). They are stored only
 * from turns whose token was verified for this bot, and used only towards allowed service URLs:
 * a proactive send carries the bot's access token to the reference's service URL.
 */

export interface StoredReference {
  reference: Partial<ConversationReference>;
  /** Always true: unauthenticated turns are never stored. Checked again before use. */
  authenticated: true;
  savedAt: string;
}

/** True when the turn's token was validated and issued for this bot (not the Emulator's anonymous claims). */
export function isAuthenticatedTurn(context: TurnContext, appId: string | undefined): boolean {
  if (!appId) return false;
  const identity = context.turnState.get(context.adapter.BotIdentityKey) as ClaimsIdentity | undefined;
  return Boolean(identity?.isAuthenticated && identity.getClaimValue('aud') === appId);
}

/** Keys a reference is stored under: the conversation, the user for one-to-one chats, and the channel of a channel conversation. */
export function referenceKeys(activity: Partial<Activity>): string[] {
  const keys: string[] = [];
  const tenant = activity.conversation?.tenantId ?? (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? 'none';
  if (activity.conversation?.id) keys.push(`teams:conversation:${activity.conversation.id}`);
  const user = activity.from?.aadObjectId ?? activity.from?.id;
  if (user && activity.conversation?.conversationType === 'personal') keys.push(`teams:user:${tenant}:${user}`);
  // A channel, whatever thread the activity is in: posts to the curators' channel and the digest start there.
  const channel = (activity.channelData as { channel?: { id?: unknown } } | undefined)?.channel?.id ?? (activity.conversation?.conversationType === 'channel' ? activity.conversation.id?.split(';')[0] : undefined);
  if (typeof channel === 'string' && channel) keys.push(`teams:channel:${channel}`);
  return keys;
}

export async function saveReferenceIfAuthenticated(
  context: TurnContext,
  deps: { store: Store; appId: string | undefined; policy: ServiceUrlPolicy; logger: Logger },
): Promise<boolean> {
  if (!isAuthenticatedTurn(context, deps.appId)) return false;
  if (!isAllowedServiceUrl(context.activity.serviceUrl, deps.policy)) return false;
  const stored: StoredReference = { reference: TurnContext.getConversationReference(context.activity), authenticated: true, savedAt: new Date().toISOString() };
  for (const key of referenceKeys(context.activity)) {
    await deps.store.saveConversationReference(key, stored).catch((err: unknown) => deps.logger.warn({ err, event: 'teams_reference_save_failed' }, 'could not save the conversation reference'));
  }
  return true;
}

export type ProactiveOutcome = 'sent' | 'no_reference' | 'refused';

export interface ProactiveSenderDeps {
  adapter: Pick<CloudAdapter, 'continueConversationAsync'>;
  store: Store;
  appId: string | undefined;
  policy: ServiceUrlPolicy;
  logger: Logger;
  /** Hands the checked message to the reply outbox instead of sending it now ('sent' then means queued durably). */
  deliver?: (reference: Partial<ConversationReference>, activity: Partial<Activity>) => Promise<void>;
}

/** Sends to a stored conversation (by key from `referenceKeys`), never to anything else. */
export class TeamsProactiveSender {
  constructor(private readonly deps: ProactiveSenderDeps) {}

  /** The stored reference under `key` when it may be used for a proactive message. */
  async usableReference(key: string): Promise<Partial<ConversationReference> | ProactiveOutcome> {
    const { store, appId, policy, logger } = this.deps;
    if (!appId) {
      logger.warn({ event: 'teams_proactive_refused', reason: 'no app id' }, 'proactive messages need an authenticated bot');
      return 'refused';
    }
    const stored = (await store.getConversationReference(key)) as StoredReference | undefined;
    if (!stored?.reference) return 'no_reference';
    if (stored.authenticated !== true || !isAllowedServiceUrl(stored.reference.serviceUrl, policy)) {
      logger.warn({ event: 'teams_proactive_refused', key, reason: stored.authenticated !== true ? 'unauthenticated reference' : 'service URL not allowed' }, 'proactive message refused');
      return 'refused';
    }
    return stored.reference;
  }

  async send(key: string, activity: Partial<Activity>): Promise<ProactiveOutcome> {
    const reference = await this.usableReference(key);
    if (typeof reference === 'string') return reference;
    if (this.deps.deliver) {
      await this.deps.deliver(reference, activity);
      return 'sent';
    }
    await this.deps.adapter.continueConversationAsync(this.deps.appId!, reference, async (context) => {
      await context.sendActivity(activity);
    });
    return 'sent';
  }
}
