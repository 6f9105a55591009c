import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { onboardingCommand } from '../../src/cli/onboarding';
import { buildReport, csvField } from '../../src/onboarding/report';
import { openStore } from '../../src/store/open';
import { capture } from '../helpers/cliIo';

describe('whosecures onboarding report', () => {
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir });

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'onboarding-report-'));
    const store = await openStore({ dataDir, resilient: false });
    const base = { scheduledMessageIds: [], optedOut: false };
    await store.saveProgress({ ...base, platform: 'slack', userId: 'U0ALICE', startedAt: new Date('2026-01-12T09:00:00Z'), currentLesson: 6, completedAt: new Date('2026-01-19T10:00:00Z'), score: 15, answered: 18 });
    await store.saveProgress({ ...base, platform: 'teams', userId: '29:bob,"x"', startedAt: new Date('2026-01-13T09:00:00Z'), currentLesson: 2, score: 1, answered: 2 });
    await store.saveProgress({ ...base, platform: 'slack', userId: '=HYPERLINK("x")', startedAt: new Date('2026-01-14T09:00:00Z'), currentLesson: 1, optedOut: true, score: 0, answered: 0 });
    await store.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a table of who started and finished, with the average score', async () => {
    const io = capture();
    expect(await onboardingCommand(['report'], io, env())).toBe(0);
    const text = io.stdout.join('\n');
    expect(io.stdout[0]).toMatch(/^platform\s+user\s+started\s+lesson\s+finished\s+opted_out\s+score\s+answered$/);
    expect(text).toMatch(/slack\s+U0ALICE\s+2026-01-12T09:00:00.000Z\s+6\/6\s+2026-01-19T10:00:00.000Z\s+no\s+15\s+18/);
    expect(text).toMatch(/teams\s+29:bob,"x"\s+2026-01-13T09:00:00.000Z\s+2\/6\s+-\s+no\s+1\s+2/);
    // (15/18 = 83.3% + 1/2 = 50%) / 2; the user who answered nothing is not averaged in.
    expect(io.stdout.at(-1)).toBe('started: 3, finished: 1, opted out: 1, average score: 66.7%');
  });

  it('prints CSV with quoting and formula-safe fields, through the main CLI entry', async () => {
    const io = capture();
    const previous = process.env.DATA_DIR;
    process.env.DATA_DIR = dataDir;
    try {
      expect(await main(['onboarding', 'report', '--format', 'csv'], io)).toBe(0);
    } finally {
      if (previous === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = previous;
    }
    expect(io.stdout).toEqual([
      'platform,user,started,lesson,finished,opted_out,score,answered',
      'slack,U0ALICE,2026-01-12T09:00:00.000Z,6/6,2026-01-19T10:00:00.000Z,no,15,18',
      'teams,"29:bob,""x""",2026-01-13T09:00:00.000Z,2/6,,no,1,2',
      `slack,"'=HYPERLINK(""x"")",2026-01-14T09:00:00.000Z,1/6,,yes,0,0`,
    ]);
  });

  it('rejects unknown formats and subcommands with usage', async () => {
    for (const args of [['report', '--format', 'xml'], ['list'], [], ['report', '--bogus']]) {
      const io = capture();
      expect(await onboardingCommand(args, io, env())).toBe(2);
      expect(io.stderr).toHaveLength(1);
      expect(io.stderr[0]).toMatch(/^whosecures onboarding( report)?: .+ \(see "whosecures onboarding( report)? --help"\)$/);
    }
  });

  it('reports an empty store with no average, and a bad store setting clearly', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'onboarding-empty-'));
    try {
      const io = capture();
      expect(await onboardingCommand(['report'], io, { DATA_DIR: empty })).toBe(0);
      expect(io.stdout.at(-1)).toBe('started: 0, finished: 0, opted out: 0, average score: n/a');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
    const bad = capture();
    expect(await onboardingCommand(['report'], bad, { DATABASE_URL: 'mysql://admin:hunter2@127.0.0.1/db' })).toBe(1);
    expect(bad.stderr.join('\n')).toMatch(/\S/);
    expect(bad.stderr.join('\n')).not.toContain('hunter2');
    expect(buildReport([]).averageScorePercent).toBeNull();
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('a\nb')).toBe('"a\nb"');
  });
});
