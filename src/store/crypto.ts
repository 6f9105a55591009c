import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { StoreError } from './errors';

const VERSION = 'v1';
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;

/**
 * STORE_ENCRYPTION_KEY as 32 raw bytes. Accepts 64 hex characters or base64 of 32 bytes (e.g.
 * `openssl rand -base64 32`); any other string of 16+ characters is treated as a passphrase and
 * stretched with HKDF, so operators are not locked out by the format, only by weak keys.
 */
export function parseEncryptionKey(raw: string): Buffer {
  const text = raw.trim();
  if (/^[0-9a-f]{64}$/i.test(text)) return Buffer.from(text, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length === 32) return bytes;
  }
  if (text.length < 16) {
    throw new StoreError('STORE_ENCRYPTION_KEY_INVALID', 'STORE_ENCRYPTION_KEY is too short: use 32 random bytes (openssl rand -base64 32)');
  }
  return Buffer.from(hkdfSync('sha256', text, 'whosecures', 'store-encryption-key', 32));
}

/** A separate key for user-id hashing, so the hash key never doubles as the encryption key. */
export function deriveSubkey(key: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', key, 'whosecures', purpose, 32));
}

/**
 * AES-256-GCM. `context` is bound as additional authenticated data (e.g. the installation id),
 * so a ciphertext copied onto another row fails to decrypt instead of granting its tokens there.
 */
export function encrypt(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

export function decrypt(key: Buffer, sealed: string, context: string): string {
  const [version, payload] = sealed.split(':', 2);
  if (version !== VERSION || !payload) {
    throw new StoreError('STORE_DECRYPT_FAILED', 'encrypted value has an unknown format');
  }
  const bytes = Buffer.from(payload, 'base64');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (err) {
    throw new StoreError('STORE_DECRYPT_FAILED', 'cannot decrypt stored value: wrong STORE_ENCRYPTION_KEY or tampered data', { cause: err });
  }
}

/** HMAC-SHA256 of platform and user id: stable per deployment, not reversible without the key. */
export function hashUserId(key: Buffer, platform: string, userId: string): string {
  return createHmac('sha256', key).update(`${platform}:${userId}`).digest('hex');
}
