/**
 * The little both databases have in common, so the store's queries are written once.
 * SQL uses `$1, $2...` placeholders (PostgreSQL syntax; SQLite reads them as named parameters).
 */
export interface SqlQueries {
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly unknown[]): Promise<number>;
}

export interface SqlDriver extends SqlQueries {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when it throws.
   * Only the queries made through `tx` belong to it.
   */
  transaction<T>(work: (tx: SqlQueries) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Row values as the drivers return them: PostgreSQL BIGINT arrives as a string, JSONB parsed. */
export function toNumber(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

/** SQLite has no boolean type: 0/1 come back. */
export function toBool(v: unknown): boolean {
  return v === true || v === 1 || v === '1' || v === 't' || v === 'true';
}

/** TEXT (SQLite) holds a JSON string; JSONB (PostgreSQL) is parsed by the driver already. */
export function fromJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

export function toDate(v: unknown): Date {
  return new Date(toNumber(v));
}

export function toOptionalDate(v: unknown): Date | undefined {
  return v === null || v === undefined ? undefined : toDate(v);
}
