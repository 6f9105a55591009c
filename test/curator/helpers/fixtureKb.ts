import { loadKnowledge } from '../../../src/knowledge/loader';
import type { Cell, KnowledgeBase, Service, Source } from '../../../src/knowledge/types';

let shipped: KnowledgeBase | undefined;

/** The shipped knowledge base, loaded once per test file. */
export function shippedKb(): KnowledgeBase {
  shipped ??= loadKnowledge();
  return shipped;
}

/** A copy of the shipped knowledge base with changes applied; the shipped one is left alone. */
export function modifiedKb(change: (kb: { services: Map<string, Service>; cells: Map<string, Cell>; sources: Map<string, Source> }) => void): KnowledgeBase {
  const base = shippedKb();
  const services = new Map(base.services);
  const cells = new Map(base.cells);
  const sources = new Map(base.sources);
  change({ services, cells, sources });
  const cellsOf = (serviceId: string) => [...cells.values()].filter((c) => c.service === serviceId);
  return {
    ...base,
    services,
    cells,
    sources,
    generalCell: (areaId) => cells.get(`general.${areaId}`),
    cell: (serviceId, areaId) => cells.get(`${serviceId}.${areaId}`),
    cellsOf,
  };
}

/** Markup and script in every field a curator could type, and a javascript: URL. */
export function hostileKb(): KnowledgeBase {
  return modifiedKb(({ services, cells, sources }) => {
    sources.set('evil-src', { id: 'evil-src', title: 'Evil <b>title</b> "quoted"', publisher: 'Bad & Co <i>', url: 'javascript:window.__xss=3' });
    services.set('evil', {
      id: 'evil',
      name: 'Evil <img src=x onerror="window.__xss=1"> Service',
      aliases: ['evil" onmouseover="window.__xss=4'],
      model: 'abstracted',
      category: 'tests </th><script>window.__xss=5</script>',
      summary: 'A service made of markup.',
      related: [],
      file: 'services/evil.yaml',
    });
    cells.set('evil.data', {
      id: 'evil.data',
      service: 'evil',
      area: 'data',
      owner: 'customer',
      summary: 'Summary </script><script>window.__xss=2</script> & <b>bold</b>',
      aws: ['AWS <u>does</u> things'],
      customer: ['You <a href="javascript:window.__xss=6">click</a>'],
      conditions: [{ when: 'when <em>this</em>', owner: 'aws', note: 'note <s>x</s>', phrases: [] }],
      keywords: [],
      citations: [{ source: 'evil-src', quote: 'quote "><b>bold</b>' }, { source: 'aws-srm' }],
      verified: '2026-01-01',
      file: 'services/evil.yaml',
    });
  });
}
