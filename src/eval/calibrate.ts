import { createRouter } from '../engine/router';
import { fitLogistic, predictConfidence, reliability, type CalibrationData, type Features } from '../engine/calibration';
import type { KnowledgeBase } from '../knowledge/types';
import type { EvalQuestion } from './evaluate';

/** Features and rightness of every tuning answer that has a verdict. */
function samples(kb: KnowledgeBase, questions: EvalQuestion[]): Array<{ features: Features; correct: boolean }> {
  const router = createRouter({ ...kb, calibration: undefined });
  const out: Array<{ features: Features; correct: boolean }> = [];
  for (const q of questions) {
    const { answer, features } = router.routeExplained({ text: q.q, platform: 'cli', userId: 'calibrate', conversationId: 'calibrate', context: q.context });
    if (answer.verdict === null || !features) continue;
    // As on the blind sets, "depends" is right where the label is "shared".
    const correct = answer.verdict === q.verdict || (q.verdict === 'shared' && answer.verdict === 'depends');
    out.push({ features, correct });
  }
  return out;
}

export function fitCalibration(kb: KnowledgeBase, questions: EvalQuestion[], sets: string[]): CalibrationData {
  return fitLogistic(samples(kb, questions), sets);
}

/** k-fold: fitted without each fold, applied to it; the honest reliability figures. */
export function calibrationReport(kb: KnowledgeBase, questions: EvalQuestion[], k: number): Array<{ confidence: number; correct: boolean }> {
  const all = samples(kb, questions);
  const out: Array<{ confidence: number; correct: boolean }> = [];
  for (let fold = 0; fold < k; fold++) {
    const model = fitLogistic(all.filter((_, i) => i % k !== fold), ['fold']);
    for (const s of all.filter((_, i) => i % k === fold)) out.push({ confidence: predictConfidence(model, s.features), correct: s.correct });
  }
  return out;
}

export function formatReliability(title: string, rows: Array<{ confidence: number; correct: boolean }>): string {
  return [
    '',
    `${title}:`,
    '  confidence   answers   right',
    ...reliability(rows)
      .filter((r) => r.n > 0)
      .map((r) => `  ${r.band.padEnd(12)} ${String(r.n).padStart(7)}   ${((r.right / r.n) * 100).toFixed(1)}%`),
  ].join('\n');
}
