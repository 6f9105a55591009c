import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitShift, predictConfidence, type CalibrationData, type Sample } from '../../src/engine/calibration';
import { readFirstScore, writeFirstScore } from '../../src/eval/firstScore';
import { loadKnowledge } from '../../src/knowledge/loader';

const model: CalibrationData = { fittedOn: { questions: 0, sets: [] }, bias: 3, weights: { 'intent:lookup': 0.5 } };

describe('calibration: the novelty shift', () => {
  it('moves an over-sure model to the rate at which unseen questions were answered right', () => {
    // The model says ~97%; these answers were right 3 times in 4.
    const samples: Sample[] = Array.from({ length: 200 }, (_, i) => ({ features: { 'intent:lookup': 1 }, correct: i % 4 !== 0 }));
    const shift = fitShift(model, samples);
    expect(shift).toBeLessThan(0);
    expect(predictConfidence({ ...model, novelty: { shift, fittedOn: [] } }, { 'intent:lookup': 1 })).toBeCloseTo(0.75, 2);
  });

  it('leaves a model that fits alone', () => {
    const p = 1 / (1 + Math.exp(-3.5));
    const n = 1000;
    const samples: Sample[] = Array.from({ length: n }, (_, i) => ({ features: { 'intent:lookup': 1 }, correct: i < Math.round(p * n) }));
    expect(Math.abs(fitShift(model, samples))).toBeLessThan(0.05);
  });

  it('the shipped model carries the shift of the recorded first scores', () => {
    const kb = loadKnowledge();
    expect(kb.calibration?.novelty?.shift).toBeLessThan(0);
    expect(kb.calibration?.novelty?.fittedOn.map((f) => f.set)).toContain('test/heldout9');
  });

  it('a set has one first score: recording it again is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'first-'));
    try {
      const record = { set: 'test/x', commit: 'abc1234', date: '2026-12-03', accuracy: 75, samples: [{ features: { 'intent:lookup': 1 }, correct: true }] };
      writeFirstScore(dir, record);
      expect(readFirstScore(dir)).toEqual(record);
      expect(() => writeFirstScore(dir, record)).toThrow(/has one first score/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
