import type { Answer } from '../../../engine/types';
import type { Store } from '../../../store/types';

/** How long "Share in channel" works on an ephemeral answer. */
const SHARE_TTL_SECONDS = 24 * 3600;

const key = (answerId: string) => `slack:answer:${answerId}`;

/**
 * Ephemeral messages are not sent back with button clicks, so the answer behind a "Share in
 * channel" button is kept in the store's cache (shared by replicas) under its id.
 */
export async function rememberAnswer(store: Store, answer: Answer): Promise<void> {
  await store.putCached(key(answer.id), JSON.stringify(answer), SHARE_TTL_SECONDS);
}

export async function recallAnswer(store: Store, answerId: string): Promise<Answer | undefined> {
  const raw = await store.getCached(key(answerId)).catch(() => undefined);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Answer;
  } catch {
    return undefined;
  }
}
