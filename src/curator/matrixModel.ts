import { SERVICE_MODELS, type Owner } from '../knowledge/schema';
import { GENERAL, type Area, type Cell, type KnowledgeBase, type Service } from '../knowledge/types';
import { safeHttpUrl } from './html';

/**
 * What one position of the matrix shows. `own`: the service has a cell. `inherited`: a universal
 * area, where the general cell holds for every service. `fallback`: no cell, so the bot answers
 * with the general rule at lower confidence; on a core area that is a gap curators should fill.
 */
export type Position =
  | { kind: 'own'; cell: Cell }
  | { kind: 'inherited'; cell: Cell }
  | { kind: 'fallback'; cell?: Cell; missingCore: boolean };

export interface MatrixRow {
  service: Service;
  positions: Position[];
}

export interface MatrixGroup {
  /** `general` for the row of general rules, else a service model. */
  id: string;
  title: string;
  rows: MatrixRow[];
}

export interface MatrixModel {
  areas: Area[];
  groups: MatrixGroup[];
  ownerCounts: Record<Owner, number>;
  cellCount: number;
  serviceCount: number;
}

const GROUP_TITLES: Record<string, string> = {
  general: 'All AWS services',
  infrastructure: 'Infrastructure services: you run the operating system',
  container: 'Container services: AWS runs the platform, you configure it',
  abstracted: 'Abstracted services: AWS runs everything up to your data and access',
};

function positionsOf(kb: KnowledgeBase, service: Service, areas: Area[]): Position[] {
  return areas.map((area): Position => {
    const own = kb.cell(service.id, area.id);
    if (own) return { kind: 'own', cell: own };
    const general = kb.generalCell(area.id);
    if (general && area.universal) return { kind: 'inherited', cell: general };
    return { kind: 'fallback', ...(general ? { cell: general } : {}), missingCore: area.core };
  });
}

/** Services as rows (general rules first, then by service model and name), areas as columns. */
export function buildMatrixModel(kb: KnowledgeBase): MatrixModel {
  const areas = [...kb.areas.values()];
  const groups: MatrixGroup[] = [];
  const general = kb.services.get(GENERAL);
  if (general) groups.push({ id: GENERAL, title: GROUP_TITLES.general, rows: [{ service: general, positions: positionsOf(kb, general, areas) }] });
  for (const model of SERVICE_MODELS) {
    const services = [...kb.services.values()]
      .filter((s) => s.id !== GENERAL && s.model === model)
      .sort((a, b) => displayName(a).localeCompare(displayName(b), 'en'));
    if (services.length) groups.push({ id: model, title: GROUP_TITLES[model], rows: services.map((service) => ({ service, positions: positionsOf(kb, service, areas) })) });
  }
  const ownerCounts: Record<Owner, number> = { aws: 0, customer: 0, shared: 0, depends: 0 };
  for (const cell of kb.cells.values()) ownerCounts[cell.owner]++;
  return { areas, groups, ownerCounts, cellCount: kb.cells.size, serviceCount: [...kb.services.keys()].filter((id) => id !== GENERAL).length };
}

/** "Amazon EC2" sorts under E, not A: the vendor prefix says nothing. */
export function displayName(service: Service): string {
  return service.name.replace(/^(Amazon|AWS)\s+/, '');
}

export interface CellDetail {
  service: string;
  area: string;
  owner: Owner;
  summary: string;
  aws: string[];
  customer: string[];
  conditions: Array<{ when: string; owner: string; note?: string }>;
  citations: Array<{ n: number; title: string; url?: string; publisher: string; locator?: string; quote?: string }>;
  verified: string;
  file: string;
}

/** Everything the page's detail panel shows for each cell, citations resolved from the KB. */
export function cellDetails(kb: KnowledgeBase): Record<string, CellDetail> {
  const out: Record<string, CellDetail> = {};
  for (const cell of kb.cells.values()) {
    out[cell.id] = {
      service: cell.service,
      area: cell.area,
      owner: cell.owner,
      summary: cell.summary,
      aws: cell.aws,
      customer: cell.customer,
      conditions: cell.conditions.map((c) => ({ when: c.when, owner: c.owner, ...(c.note ? { note: c.note } : {}) })),
      citations: cell.citations
        .flatMap((citation) => {
          const source = kb.sources.get(citation.source);
          if (!source) return []; // kb check rules this out; never render a dangling citation
          const url = safeHttpUrl(source.url);
          return [{ title: source.title, publisher: source.publisher, ...(url ? { url } : {}), ...(citation.locator ? { locator: citation.locator } : {}), ...(citation.quote ? { quote: citation.quote } : {}) }];
        })
        .map((c, i) => ({ n: i + 1, ...c })),
      verified: cell.verified,
      file: cell.file,
    };
  }
  return out;
}
