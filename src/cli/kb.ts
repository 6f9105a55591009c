import { loadKnowledge } from '../knowledge/loader';
import { STALE_WARNING_MONTHS, checkKnowledge, staleCells } from '../knowledge/check';
import { checkStyle } from '../knowledge/style';
import { KnowledgeError } from '../knowledge/errors';
import { checkCourse } from '../onboarding/checkCourse';
import { loadCourse } from '../onboarding/course';
import { kbGaps, kbMatrix, kbPhrases, kbStats } from '../curator/commands';
import type { CliIo } from './io';
import { COMMANDS, UsageError, commandSpec, groupHelp, runCommand, usageErrorLine, wantsHelp, type Parsed } from './spec';

const SUBCOMMANDS = COMMANDS.filter((c) => c.name.startsWith('kb ')).map((c) => c.name.slice(3));

/**
 * `whosecures kb ...`: check the knowledge base, and the curator tools (matrix, gaps, stats, phrases).
 * `env` is where gaps finds the store; tests pass their own.
 */
export async function kbCommand(args: string[], io: CliIo, env: Record<string, string | undefined> = process.env): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub.startsWith('-') || !SUBCOMMANDS.includes(sub)) {
    if (sub !== undefined && sub.startsWith('-') && wantsHelp(args)) {
      io.out(groupHelp('kb'));
      return 0;
    }
    const problem = sub === undefined || sub.startsWith('-') ? `missing command (${SUBCOMMANDS.join(', ')})` : `unknown command "${sub}" (${SUBCOMMANDS.join(', ')})`;
    io.err(usageErrorLine(new UsageError(problem, 'kb')));
    return 2;
  }
  return runCommand(commandSpec(`kb ${sub}`), rest, io, async (parsed) => {
    try {
      if (sub === 'check') return kbCheck(parsed, io);
      if (sub === 'matrix') return kbMatrix(rest, io);
      if (sub === 'gaps') return await kbGaps(rest, io, env);
      if (sub === 'phrases') return kbPhrases(rest, io);
      return kbStats(rest, io);
    } catch (err) {
      if (err instanceof KnowledgeError) {
        io.err(err.message);
        return 1;
      }
      throw err;
    }
  });
}

function kbCheck({ values }: Parsed, io: CliIo): number {
  const staleMonths = values.stale === undefined ? undefined : Number(values.stale);
  if (staleMonths !== undefined && !(staleMonths >= 0)) throw new UsageError('--stale takes a number of months');
  const dir = typeof values.dir === 'string' ? values.dir : undefined;
  const kb = loadKnowledge(dir);
  const course = loadCourse(kb, dir);
  const style = checkStyle(kb);
  const problems = [...checkKnowledge(kb, { staleMonths }), ...(course ? checkCourse(kb, course) : []), ...(values['strict-style'] ? style : [])];
  // Without --stale, old cells are reported but do not fail the check.
  const warnings = [...(values['strict-style'] ? [] : style), ...(staleMonths === undefined ? staleCells(kb, STALE_WARNING_MONTHS) : [])];
  const citations = [...kb.cells.values()].reduce((n, c) => n + c.citations.length, 0);
  for (const w of warnings) io.out(`warning: ${w.file}: ${w.entry}: ${w.message}`);
  if (problems.length > 0) {
    for (const p of problems) io.err(`${p.file}: ${p.entry}: ${p.message}`);
    io.err(`${problems.length} problem(s) found`);
    return 1;
  }
  io.out(`knowledge base OK: ${kb.services.size - 1} services, ${kb.areas.size} areas, ${kb.cells.size} cells, ${kb.concepts.size} concepts, ${kb.sources.size} sources, ${citations} citations, ${course ? `${course.lessons.length} onboarding lessons` : 'no onboarding course'}${warnings.length ? `; ${warnings.length} warning(s)` : ''}`);
  return 0;
}
