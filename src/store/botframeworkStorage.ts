import type { Storage, StoreItems } from 'botbuilder';
import type { Store } from './types';

/**
 * botbuilder's `Storage` over the store, so Teams conversation and user state survive restarts
 * and are shared by replicas. eTags give the optimistic concurrency botbuilder expects: a write
 * carrying a stale eTag is rejected instead of silently overwriting a newer turn's state.
 */
export class StoreBotStorage implements Storage {
  constructor(private readonly store: Pick<Store, 'bfRead' | 'bfWrite' | 'bfDelete'>) {}

  async read(keys: string[]): Promise<StoreItems> {
    if (!keys) throw new ReferenceError('Keys are required when reading.');
    const found = await this.store.bfRead(keys);
    const items: StoreItems = {};
    for (const [key, item] of Object.entries(found)) items[key] = { ...item.value, eTag: item.eTag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    if (!changes) throw new ReferenceError('Changes are required when writing.');
    for (const [key, item] of Object.entries(changes)) {
      // The eTag travels beside the value, not inside it, so it is always the store's own.
      const { eTag, ...value } = (item ?? {}) as { eTag?: unknown; [k: string]: unknown };
      const newTag = await this.store.bfWrite(key, value, typeof eTag === 'string' ? eTag : undefined);
      // Callers that keep the object (botbuilder's BotState) see the new eTag on their next write.
      if (item && typeof item === 'object') item.eTag = newTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    if (!keys) throw new ReferenceError('Keys are required when deleting.');
    await this.store.bfDelete(keys);
  }
}
