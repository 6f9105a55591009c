import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeConnector } from '../../channels/teams/fakes/fakeConnector';
import { ensureBuilt, killBot, type BotProcess } from '../../helpers/botProcess';

/** What a Teams process test works with: the fake connector, the bots' data folder, the bots it started. */
export interface TeamsBotBed {
  connector: FakeConnector;
  dir: string;
  /** Bots to stop after the test. */
  bots: BotProcess[];
}

/**
 * One fresh fake connector and data folder per test, every bot killed and both removed after it;
 * the compiled bot built once. Call inside a `describe`.
 */
export function teamsBotBed(prefix: string): TeamsBotBed {
  const bed = { bots: [] } as unknown as TeamsBotBed;
  beforeAll(() => ensureBuilt(), 240_000);
  beforeEach(async () => {
    bed.connector = await new FakeConnector().start();
    bed.dir = mkdtempSync(join(tmpdir(), prefix));
  });
  afterEach(async () => {
    for (const b of bed.bots.splice(0)) await killBot(b);
    await bed.connector.stop();
    rmSync(bed.dir, { recursive: true, force: true });
  });
  return bed;
}
