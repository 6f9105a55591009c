import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StoreError, redactUrl } from './errors';

export type StoreTarget = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_DB_FILE = 'whosecures.db';

function invalid(url: string, why: string): StoreError {
  return new StoreError('STORE_URL_INVALID', `DATABASE_URL ${redactUrl(url)} is not valid: ${why}`);
}

function sqliteFile(raw: string, dataDir: string | undefined): string {
  if (raw === '') return path.join(dataDir ?? DEFAULT_DATA_DIR, DEFAULT_DB_FILE);
  // A folder means "the default file name inside it", which is what people tend to type.
  const isDir = raw.endsWith('/') || (fs.existsSync(raw) && fs.statSync(raw).isDirectory());
  return isDir ? path.join(raw, DEFAULT_DB_FILE) : raw;
}

/**
 * DATABASE_URL -> which backend. Empty: SQLite in the data folder. `sqlite:path`,
 * `sqlite:///abs/path`, `file:` URLs and bare paths: SQLite. `postgres://` or `postgresql://`:
 * PostgreSQL. Anything else is refused rather than guessed.
 */
export function parseStoreUrl(url: string | undefined, dataDir?: string): StoreTarget {
  const raw = (url ?? '').trim();
  if (raw === '') return { kind: 'sqlite', file: sqliteFile('', dataDir) };
  if (/^postgres(ql)?:/i.test(raw)) {
    if (!/^postgres(ql)?:\/\//i.test(raw)) throw invalid(raw, 'expected postgres://user:password@host:port/database');
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw invalid(raw, 'cannot be parsed as a URL (is a special character in the password not percent-encoded?)');
    }
    if (parsed.port && !/^\d+$/.test(parsed.port)) throw invalid(raw, 'port is not a number');
    return { kind: 'postgres', url: raw };
  }
  if (/^sqlite:/i.test(raw)) {
    const rest = raw.slice('sqlite:'.length).replace(/^\/\//, '');
    return { kind: 'sqlite', file: rest === ':memory:' ? rest : sqliteFile(rest, dataDir) };
  }
  if (/^file:/i.test(raw)) {
    try {
      return { kind: 'sqlite', file: sqliteFile(fileURLToPath(raw), dataDir) };
    } catch {
      throw invalid(raw, 'not a valid file: URL');
    }
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw);
  if (scheme) throw invalid(raw, `unsupported scheme "${scheme[1]}:" (use postgres://, sqlite: or a file path)`);
  return { kind: 'sqlite', file: sqliteFile(raw, dataDir) };
}
