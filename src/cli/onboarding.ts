import { envSchema } from '../config';
import { loadCourse } from '../onboarding/course';
import { buildReport, reportCsv, reportTable } from '../onboarding/report';
import { loadKnowledge } from '../knowledge/loader';
import { isStoreError } from '../store/errors';
import { openStore } from '../store/open';
import type { Store } from '../store/types';
import type { CliIo } from './io';
import { UsageError, commandSpec, groupHelp, runCommand, usageErrorLine, wantsHelp } from './spec';

/** Only the store settings: a report must not fail because Slack or Teams is half configured. */
const storeEnvSchema = envSchema.pick({ DATABASE_URL: true, DATA_DIR: true, STORE_ENCRYPTION_KEY: true, KNOWLEDGE_DIR: true });

/** `whosecures onboarding report`: who started, who finished, average score (table or CSV). */
export async function onboardingCommand(args: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'report') {
    if ((sub === undefined || sub.startsWith('-')) && wantsHelp(args)) {
      io.out(groupHelp('onboarding'));
      return 0;
    }
    io.err(usageErrorLine(new UsageError(sub === undefined || sub.startsWith('-') ? 'missing command (report)' : `unknown command "${sub}" (report)`, 'onboarding')));
    return 2;
  }
  return runCommand(commandSpec('onboarding report'), rest, io, ({ values }) => {
    const format = values.format ?? 'table';
    if (format !== 'table' && format !== 'csv') throw new UsageError('--format takes one of: table, csv');
    return printReport(format, io, env);
  });
}

async function printReport(format: 'table' | 'csv', io: CliIo, env: Record<string, string | undefined>): Promise<number> {
  const parsed = storeEnvSchema.safeParse(env);
  if (!parsed.success) {
    io.err(`invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    return 2;
  }
  const kb = loadKnowledge(parsed.data.KNOWLEDGE_DIR);
  const totalLessons = loadCourse(kb, parsed.data.KNOWLEDGE_DIR)?.lessons.length ?? 0;
  let store: Store;
  try {
    store = await openStore({
      url: parsed.data.DATABASE_URL,
      dataDir: parsed.data.DATA_DIR,
      encryptionKey: parsed.data.STORE_ENCRYPTION_KEY,
      // A report must show a database error, not an empty list from the resilient fallback.
      resilient: false,
    });
  } catch (err) {
    if (!isStoreError(err)) throw err;
    io.err(err.message);
    return 1;
  }
  try {
    const report = buildReport(await store.listProgress());
    for (const line of format === 'csv' ? reportCsv(report, totalLessons) : reportTable(report, totalLessons)) io.out(line);
    return 0;
  } finally {
    await store.close();
  }
}
