import { Client } from 'pg';
import { connectPostgres } from '../../src/store/postgres';
import { describePostgres, dropSchema, postgresStatus, uniqueSchema } from './helpers/backends';

/**
 * A transaction's connection dying while the client is checked out of the pool (PostgreSQL
 * stopped or the backend killed between two of its queries): pg emits 'error' on the client,
 * which crashes the process unless something listens. The transaction must fail, the process
 * live on, and the pool hand out a working connection next.
 */
describePostgres('PostgreSQL: a transaction whose connection dies mid-way', () => {
  const url = postgresStatus().url ?? 'postgres://skipped@127.0.0.1:5432/skipped';
  const schema = uniqueSchema();

  afterAll(async () => {
    await dropSchema(url, schema);
  });

  test('fails that transaction only; the next one gets a live connection', async () => {
    const driver = await connectPostgres({ url, schema, poolSize: 2, connectTimeoutMs: 2000 });
    const admin = new Client({ connectionString: url });
    await admin.connect();
    try {
      const killed = driver.transaction(async (tx) => {
        const [{ pid }] = await tx.all<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [pid]);
        // The client is checked out and idle while the server drops it: its 'error' fires now.
        await new Promise((r) => setTimeout(r, 300));
        return tx.all('SELECT 1');
      });
      await expect(killed).rejects.toThrow();
      expect(await driver.transaction((tx) => tx.all<{ one: number }>('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
    } finally {
      await admin.end();
      await driver.close();
    }
  });
});
