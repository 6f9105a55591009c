/** Codes a caller (or an operator reading logs) can act on without parsing messages. */
export type StoreErrorCode =
  | 'STORE_URL_INVALID'
  | 'STORE_UNREACHABLE'
  | 'STORE_DIR_NOT_WRITABLE'
  | 'STORE_LOCKED'
  | 'STORE_OPEN_FAILED'
  | 'STORE_MIGRATION_FAILED'
  | 'STORE_UNAVAILABLE'
  | 'STORE_ETAG_CONFLICT'
  | 'STORE_ENCRYPTION_KEY_MISSING'
  | 'STORE_ENCRYPTION_KEY_INVALID'
  | 'STORE_DECRYPT_FAILED'
  | 'STORE_CLOSED'
  | 'STORE_INVALID_INPUT';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StoreError';
  }
}

export function isStoreError(err: unknown, code?: StoreErrorCode): err is StoreError {
  return err instanceof StoreError && (code === undefined || err.code === code);
}

/**
 * A database URL safe to print: the password is replaced, so start-up errors and logs can name
 * the target without leaking credentials. Works on URLs `new URL` rejects, too.
 */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    // Unparseable: blank anything between "scheme://user:" and "@".
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
  }
}

/** The message of an unknown thrown value, for wrapping driver errors. */
export function messageOf(err: unknown): string {
  if (err instanceof Error) {
    // AggregateError (e.g. ECONNREFUSED on both ::1 and 127.0.0.1) has an empty message.
    if (!err.message && err instanceof AggregateError && err.errors.length > 0) {
      return err.errors.map(messageOf).join('; ');
    }
    const code = (err as { code?: unknown }).code;
    return err.message || (typeof code === 'string' ? code : err.name);
  }
  return String(err);
}
