import fs from 'node:fs';
import { openStore } from '../store';
import { parseStoreUrl } from '../store/url';
import type { Store } from '../store/types';

export type Env = Record<string, string | undefined>;

/**
 * Opens the bot's store as the server would (DATABASE_URL, DATA_DIR, STORE_ENCRYPTION_KEY), for
 * reading. Not the resilient wrapper: a report from a database it could not read would be an
 * empty report that looks like good news. A missing SQLite file is an error, not a new database.
 */
export async function openStoreFromEnv(env: Env): Promise<Store> {
  const url = env.DATABASE_URL?.trim() || undefined;
  const dataDir = env.DATA_DIR?.trim() || './data';
  const target = parseStoreUrl(url, dataDir);
  if (target.kind === 'sqlite' && !fs.existsSync(target.file)) {
    throw new Error(`no database at ${target.file}: set DATABASE_URL or DATA_DIR to the bot's store`);
  }
  return openStore({
    ...(url ? { url } : {}),
    dataDir,
    ...(env.STORE_ENCRYPTION_KEY?.trim() ? { encryptionKey: env.STORE_ENCRYPTION_KEY.trim() } : {}),
    resilient: false,
  });
}
