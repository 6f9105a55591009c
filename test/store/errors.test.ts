import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { decrypt, encrypt, parseEncryptionKey } from '../../src/store/crypto';
import { StoreError, redactUrl } from '../../src/store/errors';
import { openStore } from '../../src/store/open';
import { parseStoreUrl } from '../../src/store/url';

const made: string[] = [];
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'whosecures-err-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

async function openError(options: Parameters<typeof openStore>[0]): Promise<StoreError> {
  const err = await openStore(options).then(
    async (s) => {
      await s.close();
      throw new Error('expected openStore to fail');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(StoreError);
  return err as StoreError;
}

describe('DATABASE_URL parsing', () => {
  test.each([
    [undefined, { kind: 'sqlite', file: path.join('data', 'whosecures.db') }],
    ['', { kind: 'sqlite', file: path.join('data', 'whosecures.db') }],
    ['sqlite:./x/bot.db', { kind: 'sqlite', file: './x/bot.db' }],
    ['sqlite:///var/lib/bot.db', { kind: 'sqlite', file: '/var/lib/bot.db' }],
    ['sqlite::memory:', { kind: 'sqlite', file: ':memory:' }],
    ['file:///srv/bot.db', { kind: 'sqlite', file: '/srv/bot.db' }],
    ['./plain/path.db', { kind: 'sqlite', file: './plain/path.db' }],
    ['postgres://u:p@db:5432/bot', { kind: 'postgres', url: 'postgres://u:p@db:5432/bot' }],
    ['postgresql://db/bot', { kind: 'postgres', url: 'postgresql://db/bot' }],
  ])('%s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  test('uses the data folder option for the default file', () => {
    expect(parseStoreUrl(undefined, '/srv/data')).toEqual({ kind: 'sqlite', file: '/srv/data/whosecures.db' });
  });

  test.each(['mysql://u:hunter2@db/bot', 'postgres:db/bot', 'postgres://u:hunter2@db:notaport/bot', 'postgres://u:hunt er2@[db/bot'])('refuses %s with STORE_URL_INVALID and no password', async (url) => {
    const err = await openError({ url });
    expect(err.code).toBe('STORE_URL_INVALID');
    expect(err.message).not.toContain('hunter2');
    expect(err.message).not.toContain('hunt er2');
  });

  test('redactUrl hides the password only', () => {
    expect(redactUrl('postgres://bot:s3cret@db.internal:5432/whosecures')).toBe('postgres://bot:***@db.internal:5432/whosecures');
    expect(redactUrl('postgres://db.internal/whosecures')).toBe('postgres://db.internal/whosecures');
  });
});

describe('start-up failures', () => {
  test('unreachable PostgreSQL: STORE_UNREACHABLE naming the URL without its password', async () => {
    // A port that was free a moment ago: nothing listens there.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const err = await openError({ url: `postgres://bot:topsecret@127.0.0.1:${port}/whosecures`, connectTimeoutMs: 1000 });
    expect(err.code).toBe('STORE_UNREACHABLE');
    expect(err.message).toContain(`127.0.0.1:${port}/whosecures`);
    expect(err.message).toContain('***');
    expect(err.message).not.toContain('topsecret');
  });

  test('missing data folder is created', async () => {
    const dir = path.join(tmp(), 'nested', 'data');
    const store = await openStore({ dataDir: dir });
    await store.close();
    expect(fs.existsSync(path.join(dir, 'whosecures.db'))).toBe(true);
  });

  test('a data folder that cannot be created: STORE_DIR_NOT_WRITABLE', async () => {
    const file = path.join(tmp(), 'not-a-folder');
    fs.writeFileSync(file, '');
    const err = await openError({ dataDir: path.join(file, 'data') });
    expect(err.code).toBe('STORE_DIR_NOT_WRITABLE');
    expect(err.message).toContain(path.join(file, 'data'));
  });

  const maybeRoot = process.getuid?.() === 0 ? test.skip : test;
  maybeRoot('a read-only data folder: STORE_DIR_NOT_WRITABLE (skipped as root, who may write anywhere)', async () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o500);
    try {
      expect((await openError({ dataDir: dir })).code).toBe('STORE_DIR_NOT_WRITABLE');
    } finally {
      fs.chmodSync(dir, 0o700);
    }
  });

  test('a SQLite file locked by another process: STORE_LOCKED', async () => {
    const dir = tmp();
    const holder = new Database(path.join(dir, 'whosecures.db'));
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const err = await openError({ dataDir: dir, busyTimeoutMs: 100 });
      expect(err.code).toBe('STORE_LOCKED');
      expect(err.message).toContain('whosecures.db');
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });

  test('a file that is not a database: STORE_OPEN_FAILED', async () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, 'whosecures.db'), 'this is not sqlite'.repeat(100));
    expect((await openError({ dataDir: dir })).code).toBe('STORE_OPEN_FAILED');
  });

  test('a weak encryption key: STORE_ENCRYPTION_KEY_INVALID', async () => {
    expect((await openError({ dataDir: tmp(), encryptionKey: 'short' })).code).toBe('STORE_ENCRYPTION_KEY_INVALID');
  });

  test('a bad retention setting is refused', async () => {
    expect((await openError({ dataDir: tmp(), questionLogDays: 0 })).code).toBe('STORE_INVALID_INPUT');
  });
});

describe('token encryption', () => {
  const key = parseEncryptionKey('0'.repeat(64));

  test('accepts hex, base64 and passphrases; all give 32 bytes', () => {
    expect(parseEncryptionKey('ab'.repeat(32))).toHaveLength(32);
    expect(parseEncryptionKey(Buffer.alloc(32, 7).toString('base64'))).toHaveLength(32);
    expect(parseEncryptionKey('correct horse battery staple')).toHaveLength(32);
  });

  test('round-trips, uses a fresh nonce, and detects tampering or a moved ciphertext', () => {
    const a = encrypt(key, 'xoxb-1', 'team:T1');
    expect(a).not.toBe(encrypt(key, 'xoxb-1', 'team:T1'));
    expect(decrypt(key, a, 'team:T1')).toBe('xoxb-1');
    expect(() => decrypt(key, a, 'team:T2')).toThrow(expect.objectContaining({ code: 'STORE_DECRYPT_FAILED' }));
    const bytes = Buffer.from(a.slice(3), 'base64');
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(() => decrypt(key, `v1:${bytes.toString('base64')}`, 'team:T1')).toThrow(expect.objectContaining({ code: 'STORE_DECRYPT_FAILED' }));
  });
});
