import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Sample } from '../engine/calibration';

/**
 * A question set's answers as they were the first time it was scored, before anyone read its
 * misses: how each answer was reached (the confidence features) and whether it was right. Kept
 * beside the set as `first-score.json`, it is the one record of how the router does on questions
 * it has not seen, and the confidence model's novelty shift is fitted on it.
 */
export const FIRST_SCORE_FILE = 'first-score.json';

const firstScoreSchema = z
  .object({
    set: z.string(),
    commit: z.string(),
    date: z.string(),
    accuracy: z.number(),
    samples: z.array(z.object({ features: z.record(z.string(), z.number()), correct: z.boolean() }).strict()),
  })
  .strict();
export type FirstScore = z.infer<typeof firstScoreSchema>;

export function readFirstScore(dir: string): FirstScore | undefined {
  const path = join(dir, FIRST_SCORE_FILE);
  if (!existsSync(path)) return undefined;
  return firstScoreSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
}

export function writeFirstScore(dir: string, record: FirstScore): string {
  const path = join(dir, FIRST_SCORE_FILE);
  if (existsSync(path)) throw new Error(`${path} exists: a set has one first score`);
  writeFileSync(path, `${JSON.stringify(record)}\n`);
  return path;
}

export function firstScoreSamples(record: FirstScore): Sample[] {
  return record.samples;
}
