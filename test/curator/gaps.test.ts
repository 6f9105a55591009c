import { load } from 'js-yaml';
import { collectGaps, escalationProposal, formatGapsCsv, formatGapsJson, formatGapsTable, formatGapsText, gapLabel, parseSince } from '../../src/curator';
import type { Store } from '../../src/store/types';
import { describePostgres, postgresStatus, postgresTestDb, sqliteTestDb, type TestDb } from '../store/helpers/backends';
import { shippedKb } from './helpers/fixtureKb';
import { seedGaps } from './helpers/seedGaps';

const NOW = new Date('2026-11-20T12:00:00Z');

function gapSuite(name: string, makeDb: () => Promise<TestDb>): void {
  describe(`kb gaps on ${name}`, () => {
    let db: TestDb;
    let store: Store;
    beforeAll(async () => {
      db = await makeDb();
      store = await db.open({ resilient: false });
      await seedGaps(store, NOW);
    });
    afterAll(async () => {
      await db.cleanup();
    });

    const report = () => collectGaps(store, shippedKb(), { since: parseSince('30d', NOW)! });

    it('groups not-found, low-confidence and not-helpful answers by service and area, most frequent first', async () => {
      const { gaps, scanned } = await report();
      expect(gaps.map((g) => [g.key, g.count, g.users])).toEqual([
        ['ec2.os-patching', 4, 3],
        ['words:zorblax', 3, 3],
        ['waf.backups', 3, 2],
        ['s3.encryption-at-rest', 1, 1],
      ]);
      expect(scanned).toEqual({ questions: 10, feedback: 6 });
      const [ec2, zorblax, waf, s3] = gaps;
      expect(ec2.reasons).toEqual({ not_found: 0, low_confidence: 0, not_helpful: 4 });
      expect(zorblax.reasons).toEqual({ not_found: 2, low_confidence: 0, not_helpful: 1 });
      expect(waf.reasons).toEqual({ not_found: 0, low_confidence: 3, not_helpful: 0 });
      expect(s3.reasons.low_confidence).toBe(1);
      expect(gapLabel(waf)).toBe('AWS WAF / Backups and recovery');
      expect(zorblax.words?.[0]).toBe('zorblax');
    });

    it('keeps distinct examples, most recent first, without terminal control characters', async () => {
      const { gaps } = await report();
      const byKey = new Map(gaps.map((g) => [g.key, g]));
      expect(byKey.get('ec2.os-patching')!.examples).toEqual(['who patches my EC2 kernel?', 'patching windows on ec2']);
      expect(byKey.get('waf.backups')!.examples).toEqual(['who restores WAF web ACLs after a mistake?', 'How do I back up my WAF rules']);
      const zorblax = byKey.get('words:zorblax')!.examples;
      expect(zorblax).toHaveLength(3);
      expect(zorblax.join(' ')).not.toMatch(/\u001b/);
      expect(zorblax).toContain('zorblax ledger duties [31mnow[0m');
      expect(byKey.get('ec2.os-patching')!.lastAt.getTime()).toBe(NOW.getTime() - 10 * 60_000);
    });

    it('honours --since', async () => {
      const recent = await collectGaps(store, shippedKb(), { since: parseSince('2d', NOW)! });
      expect(recent.gaps.map((g) => [g.key, g.count])).toEqual([
        ['ec2.os-patching', 3],
        ['waf.backups', 2],
        ['words:zorblax', 1],
      ]);
      const everything = await collectGaps(store, shippedKb(), { since: new Date(0) });
      expect(everything.gaps.find((g) => g.key === 'words:zorblax')!.count).toBe(4);
    });

    it('formats as a table, as CSV safe for spreadsheets, as JSON, and as plain text for chat', async () => {
      const r = await report();
      const table = formatGapsTable(r);
      expect(table.split('\n')[0]).toMatch(/^#\s+topic\s+total\s+not found\s+low conf\s+not helpful\s+users\s+last\s+example$/);
      expect(table).toMatch(/^1\s+Amazon EC2 \/ Operating system patching\s+4\s+0\s+0\s+4\s+3\s+2026-11-20\s+who patches my EC2 kernel\?$/m);
      expect(table).toMatch(/4 gap\(s\) since 2026-10-21 from 10 logged question\(s\) and 6 feedback vote\(s\)/);

      const csv = formatGapsCsv(r).split('\n');
      expect(csv[0]).toBe('key,service,area,words,total,not_found,low_confidence,not_helpful,users,last_at,examples');
      expect(csv).toHaveLength(5);
      const zorblax = csv.find((l) => l.startsWith('words:zorblax'))!;
      // The user's formula is defused and the quotes doubled.
      expect(zorblax).toContain(`,"'=2+3 ""zorblax"", cmd | zorblax ledger duties`);

      const json = JSON.parse(formatGapsJson(r));
      expect(json.since).toBe('2026-10-21T12:00:00.000Z');
      expect(json.gaps[0]).toMatchObject({ key: 'ec2.os-patching', label: 'Amazon EC2 / Operating system patching', count: 4, service: { id: 'ec2' }, area: { id: 'os-patching' } });

      const text = formatGapsText(r, 2);
      expect(text.split('\n')).toEqual([
        'Top 2 of 4 gap(s) since 2026-10-21:',
        '1. Amazon EC2 / Operating system patching: 4 (4 not helpful; 3 users)',
        '   e.g. "who patches my EC2 kernel?"; "patching windows on ec2"',
        expect.stringMatching(/^2\. words: zorblax\S*.*: 3 \(2 not found, 1 not helpful; 3 users\)$/),
        expect.stringMatching(/^ {3}e\.g\. "=2\+3 "zorblax", cmd"; "zorblax ledger duties/),
      ]);
    });

    it('reports an empty window as such', async () => {
      const empty = await collectGaps(store, shippedKb(), { since: new Date(NOW.getTime() + 1000) });
      expect(empty.gaps).toEqual([]);
      expect(formatGapsTable(empty)).toMatch(/^no gaps: 0 gap\(s\)/);
      expect(formatGapsText(empty)).toMatch(/^No gaps since 2026-11-20/);
    });
  });
}

function curatorAnswersSuite(name: string, makeDb: () => Promise<TestDb>): void {
  describe(`answered by curators on ${name}`, () => {
    let db: TestDb;
    let store: Store;
    beforeAll(async () => {
      db = await makeDb();
      store = await db.open({ resilient: false, now: () => NOW });
    });
    afterAll(async () => {
      await db.cleanup();
    });

    it('lists answered escalations with their proposed change in every format but CSV; open and closed ones are not listed', async () => {
      const base = { platform: 'slack', workspace: 'T1', channel: 'C1', threadTs: '1.1', verdict: 'customer', summary: 'You are responsible' };
      const answered = await store.openEscalation({ ...base, asker: 'U1', answerId: 'a1', question: 'who patches my EC2 kernel?', cell: 'ec2.os-patching' });
      const open = await store.openEscalation({ ...base, asker: 'U2', answerId: 'a2', question: 'who secures zorblax?' });
      const closed = await store.openEscalation({ ...base, asker: 'U3', answerId: 'a3', question: 'who owns WAF backups?' });
      const proposal = escalationProposal({ escalation: answered.escalation, curator: 'UC', answer: 'You do: "yum update" weekly.\nSee the runbook.', at: NOW });
      await store.answerEscalation({ id: answered.escalation.id, curator: 'UC', answer: 'You do.', proposal });
      await store.closeEscalation(closed.escalation.id);
      expect(load(proposal)).toEqual({
        proposed_change: {
          escalation: answered.escalation.id,
          status: 'to review',
          cell: 'ec2.os-patching',
          question: 'who patches my EC2 kernel?',
          bot_answer: { verdict: 'customer', summary: 'You are responsible' },
          curator_answer: 'You do: "yum update" weekly.\nSee the runbook.',
          answered_by: 'slack:UC',
          answered_on: '2026-11-20',
          todo: expect.stringMatching(/^Check the curator answer/),
        },
      });

      const r = await collectGaps(store, shippedKb(), { since: parseSince('7d', NOW)! });
      expect(r.answeredByCurators?.map((a) => a.id)).toEqual([answered.escalation.id]);
      expect(open.created && closed.created).toBe(true);
      const text = formatGapsText(r);
      expect(text).toMatch(/^No gaps since/);
      expect(text).toContain(`Answered by curators (1, to review into knowledge/):\n#${answered.escalation.id} "who patches my EC2 kernel?" (cell ec2.os-patching), 2026-11-20\n    proposed_change:`);
      expect(formatGapsTable(r)).toContain('Answered by curators (1');
      expect(JSON.parse(formatGapsJson(r)).answeredByCurators[0]).toMatchObject({ id: answered.escalation.id, cell: 'ec2.os-patching', answeredAt: NOW.toISOString(), proposal });
      expect(formatGapsCsv(r)).not.toContain('Answered by curators');
    });
  });
}

gapSuite('SQLite', sqliteTestDb);
curatorAnswersSuite('SQLite', sqliteTestDb);

/** The distributed Slack app: one workspace's gaps never show another's questions, votes or curators' answers. */
function workspaceSuite(name: string, makeDb: () => Promise<TestDb>): void {
  describe(`kb gaps of one workspace on ${name}`, () => {
    let db: TestDb;
    let store: Store;
    beforeAll(async () => {
      db = await makeDb();
      store = await db.open({ resilient: false });
      const at = new Date(NOW.getTime() - 86_400_000);
      const ask = (question: string, workspace?: string) => store.logQuestion({ question, intent: 'not_found', verdict: 'unknown', cells: [], confidence: 0, platform: 'slack', userId: 'U1', at, ...(workspace ? { workspace } : {}) });
      await ask('who runs the zorblax ledger?', 'slack:T0AAA');
      await ask('who runs the quuxbar ledger?', 'slack:T0BBB');
      await ask('who runs the frobnitz ledger?');
      await store.recordFeedback({ answerId: 'a1', platform: 'slack', userHash: store.hashUserId('slack', 'U1'), helpful: false, cells: ['ec2.os-patching'], question: 'who patches EC2 in team aaa?', workspace: 'slack:T0AAA', at });
      await store.recordFeedback({ answerId: 'a2', platform: 'slack', userHash: store.hashUserId('slack', 'U1'), helpful: false, cells: ['ec2.os-patching'], question: 'who patches EC2 in team bbb?', workspace: 'slack:T0BBB', at });
      for (const workspace of ['T0AAA', 'T0BBB']) {
        const { escalation } = await store.openEscalation({ platform: 'slack', workspace, asker: 'U1', channel: 'C1', question: `escalated in ${workspace}`, answerId: `e-${workspace}` });
        await store.answerEscalation({ id: escalation.id, curator: 'UC', answer: 'You do.', proposal: `proposed_change: ${workspace}\n` });
      }
    });
    afterAll(async () => {
      await db.cleanup();
    });

    it('lists only that workspace\u2019s questions, votes and curators\u2019 answers', async () => {
      const since = new Date(NOW.getTime() - 7 * 86_400_000);
      const aaa = await collectGaps(store, shippedKb(), { since, workspace: 'slack:T0AAA' });
      const text = JSON.stringify(aaa);
      expect(text).toContain('zorblax');
      expect(text).toContain('team aaa');
      expect(text).not.toMatch(/quuxbar|team bbb|frobnitz|T0BBB/);
      expect(aaa.scanned).toEqual({ questions: 1, feedback: 1 });
      expect(aaa.answeredByCurators?.map((a) => a.question)).toEqual(['escalated in T0AAA']);
      // Without a workspace: everything, rows from before the workspace was kept included.
      const all = JSON.stringify(await collectGaps(store, shippedKb(), { since }));
      for (const word of ['zorblax', 'quuxbar', 'frobnitz', 'team aaa', 'team bbb']) expect(all).toContain(word);
    });
  });
}

workspaceSuite('SQLite', sqliteTestDb);

describePostgres('kb gaps (PostgreSQL)', () => {
  gapSuite('PostgreSQL', () => postgresTestDb(postgresStatus().url!));
  curatorAnswersSuite('PostgreSQL', () => postgresTestDb(postgresStatus().url!));
  workspaceSuite('PostgreSQL', () => postgresTestDb(postgresStatus().url!));
});
