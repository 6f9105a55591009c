import { loadKnowledge } from '../../src/knowledge/loader';
import type { Cell } from '../../src/knowledge/types';
import { UnitIndex } from '../../src/engine/units';
import { Vocabulary } from '../../src/engine/vocabulary';
import { normalizeText } from '../../src/text/normalize';
import { negatedPositions } from '../../src/engine/negation';

const kb = loadKnowledge();
const units = new UnitIndex(kb, new Vocabulary(kb));

/** A cell of two situations with different owners, worded so that no curated phrase is needed. */
const cell: Cell = {
  ...kb.cells.get('shield.incident-response')!,
  id: 'shield.incident-response',
  conditions: [
    { when: 'Proactive engagement turned on, with Route 53 health checks associated', owner: 'aws', note: 'The response team contacts you when a health check turns unhealthy during an event.', phrases: [] },
    { when: 'Proactive engagement never configured', owner: 'customer', note: 'You contact the response team yourself by opening a support case.', phrases: [] },
  ],
};

function asked(text: string) {
  const tokens = normalizeText(text).split(' ').filter(Boolean);
  return units.read(tokens, negatedPositions(tokens), cell);
}

describe('a stated situation read from the condition\'s own words', () => {
  it('picks the condition whose situation the question describes, by its distinctive words', () => {
    const c = units.conditionByWords(asked('our health checks are associated and proactive engagement is turned on: during an attack who reaches out?'), cell, 5);
    expect(c?.owner).toBe('aws');
  });

  it('picks none when the question shares its words with several conditions alike, or none', () => {
    expect(units.conditionByWords(asked('who handles ddos response on shield advanced?'), cell, 5)).toBeUndefined();
    expect(units.conditionByWords(asked('proactive engagement: who does what?'), cell, 5)).toBeUndefined();
  });

  it('needs the evidence it is given', () => {
    expect(units.conditionByWords(asked('our health checks are associated and proactive engagement is turned on: during an attack who reaches out?'), cell, 1000)).toBeUndefined();
  });
});
