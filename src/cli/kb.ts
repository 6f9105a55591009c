import { parseArgs } from 'node:util';
import { loadKnowledge } from '../knowledge/loader';
import { checkKnowledge } from '../knowledge/check';
import { KnowledgeError } from '../knowledge/errors';
import { checkCourse } from '../onboarding/checkCourse';
import { loadCourse } from '../onboarding/course';
import { UsageError, kbGaps, kbMatrix, kbStats } from '../curator/commands';
import type { CliIo } from './io';

const KB_USAGE = `usage:
  whosecures kb check [--stale MONTHS] [--dir DIR]
  whosecures kb matrix [--html] [--dir DIR]
  whosecures kb gaps [--since 30d|YYYY-MM-DD] [--format table|csv|json] [--limit N] [--dir DIR]
  whosecures kb stats [--stale 12] [--format table|json] [--dir DIR]

kb gaps reads the bot's store from DATABASE_URL (or DATA_DIR for SQLite).`;

/**
 * `whosecures kb ...`: check the knowledge base, and the curator tools (matrix, gaps, stats).
 * `env` is where gaps finds the store; tests pass their own.
 */
export async function kbCommand(args: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'check') return kbCheck(rest, io);
    if (sub === 'matrix') return kbMatrix(rest, io);
    if (sub === 'gaps') return await kbGaps(rest, io, env);
    if (sub === 'stats') return kbStats(rest, io);
  } catch (err) {
    if (err instanceof KnowledgeError) {
      io.err(err.message);
      return 1;
    }
    // parseArgs rejects unknown flags with a TypeError carrying an ERR_PARSE_ARGS_* code.
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      io.err(`${(err as Error).message}\n\n${KB_USAGE}`);
      return 2;
    }
    throw err;
  }
  io.err(KB_USAGE);
  return 2;
}

function kbCheck(args: string[], io: CliIo): number {
  const { values } = parseArgs({ args, options: { stale: { type: 'string' }, dir: { type: 'string' } } });
  const staleMonths = values.stale === undefined ? undefined : Number(values.stale);
  if (staleMonths !== undefined && !(staleMonths >= 0)) {
    io.err('--stale takes a number of months');
    return 2;
  }
  let kb;
  let course;
  try {
    kb = loadKnowledge(values.dir);
    course = loadCourse(kb, values.dir);
  } catch (err) {
    if (err instanceof KnowledgeError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const problems = [...checkKnowledge(kb, { staleMonths }), ...(course ? checkCourse(kb, course) : [])];
  const citations = [...kb.cells.values()].reduce((n, c) => n + c.citations.length, 0);
  if (problems.length > 0) {
    for (const p of problems) io.err(`${p.file}: ${p.entry}: ${p.message}`);
    io.err(`${problems.length} problem(s) found`);
    return 1;
  }
  io.out(`knowledge base OK: ${kb.services.size - 1} services, ${kb.areas.size} areas, ${kb.cells.size} cells, ${kb.concepts.size} concepts, ${kb.sources.size} sources, ${citations} citations, ${course ? `${course.lessons.length} onboarding lessons` : 'no onboarding course'}`);
  return 0;
}
