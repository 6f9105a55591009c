import { parseArgs } from 'node:util';
import { loadKnowledge } from '../knowledge/loader';
import { checkKnowledge } from '../knowledge/check';
import { KnowledgeError } from '../knowledge/errors';
import { checkCourse } from '../onboarding/checkCourse';
import { loadCourse } from '../onboarding/course';
import type { CliIo } from './io';

const KB_USAGE = `usage: whosecures kb check [--stale MONTHS] [--dir DIR]`;

/** `whosecures kb check`: exit 0 when the knowledge base is sound, 1 with a list of problems. */
export async function kbCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'check') return kbCheck(rest, io);
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
