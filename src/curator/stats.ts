import { OWNERS, type Owner } from '../knowledge/schema';
import { GENERAL, type KnowledgeBase } from '../knowledge/types';
import { monthsBetween } from './since';

export interface ServiceStats {
  id: string;
  name: string;
  model: string;
  cells: number;
  owners: Record<Owner, number>;
}

export interface StaleEntry {
  kind: 'cell' | 'concept';
  id: string;
  file: string;
  /** Undefined when the entry has no usable verified date. */
  verified?: string;
  months?: number;
}

export interface KbStats {
  totals: { services: number; areas: number; cells: number; owners: Record<Owner, number> };
  /** The general rules first, then services by id. */
  services: ServiceStats[];
  staleMonths: number;
  /** Oldest first; entries without a date first of all. */
  stale: StaleEntry[];
  /** The cells verified longest ago (at most OLDEST_SHOWN), stale or not: where a review starts. */
  oldest: StaleEntry[];
  /** Services with no cell of their own for a core area (the bot falls back to the general rule). */
  missingCore: Array<{ service: string; name: string; areas: string[] }>;
  coreAreas: string[];
}

export interface StatsOptions {
  staleMonths?: number;
  today?: Date;
}

/** How many of the longest-unverified cells `kb stats` lists first. */
export const OLDEST_SHOWN = 10;

const emptyOwners = (): Record<Owner, number> => Object.fromEntries(OWNERS.map((o) => [o, 0])) as Record<Owner, number>;

/** The entry's verified date and its age in months; no months when the date is missing or unusable. */
function age(verified: string | undefined, today: Date): { verified?: string; months?: number } {
  const date = verified && /^\d{4}-\d{2}-\d{2}$/.test(verified) ? new Date(`${verified}T00:00:00Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) return verified ? { verified } : {};
  return { verified, months: monthsBetween(date, today) };
}

function staleness(verified: string | undefined, today: Date, limit: number): { verified?: string; months?: number } | undefined {
  const found = age(verified, today);
  return found.months === undefined || found.months > limit ? found : undefined;
}

/** Undated first, then oldest date first, then by id. */
const oldestFirst = (a: StaleEntry, b: StaleEntry) =>
  Number(b.months === undefined) - Number(a.months === undefined) || (a.verified ?? '').localeCompare(b.verified ?? '') || a.id.localeCompare(b.id);

/** What `kb stats` reports: coverage by service and owner, stale entries, missing core areas. */
export function knowledgeStats(kb: KnowledgeBase, options: StatsOptions = {}): KbStats {
  const staleMonths = options.staleMonths ?? 12;
  const today = options.today ?? new Date();
  const owners = emptyOwners();
  const byService = new Map<string, ServiceStats>();
  for (const service of kb.services.values()) {
    byService.set(service.id, { id: service.id, name: service.name, model: service.id === GENERAL ? 'general' : service.model, cells: 0, owners: emptyOwners() });
  }
  const stale: StaleEntry[] = [];
  for (const cell of kb.cells.values()) {
    owners[cell.owner]++;
    const s = byService.get(cell.service);
    if (s) {
      s.cells++;
      s.owners[cell.owner]++;
    }
    const old = staleness(cell.verified, today, staleMonths);
    if (old) stale.push({ kind: 'cell', id: cell.id, file: cell.file, ...old });
  }
  for (const concept of kb.concepts.values()) {
    const old = staleness(concept.verified, today, staleMonths);
    if (old) stale.push({ kind: 'concept', id: concept.id, file: 'concepts.yaml', ...old });
  }
  stale.sort((a, b) => (b.months ?? Infinity) - (a.months ?? Infinity) || a.id.localeCompare(b.id));
  const oldest = [...kb.cells.values()]
    .map((cell): StaleEntry => ({ kind: 'cell', id: cell.id, file: cell.file, ...age(cell.verified, today) }))
    .sort(oldestFirst)
    .slice(0, OLDEST_SHOWN);

  const coreAreas = [...kb.areas.values()].filter((a) => a.core).map((a) => a.id);
  const missingCore = [...kb.services.values()]
    .filter((s) => s.id !== GENERAL)
    .map((s) => ({ service: s.id, name: s.name, areas: coreAreas.filter((a) => !kb.cell(s.id, a)) }))
    .filter((m) => m.areas.length > 0)
    .sort((a, b) => b.areas.length - a.areas.length || a.service.localeCompare(b.service));

  const services = [...byService.values()].sort((a, b) => Number(b.id === GENERAL) - Number(a.id === GENERAL) || a.id.localeCompare(b.id));
  return {
    totals: { services: services.filter((s) => s.id !== GENERAL).length, areas: kb.areas.size, cells: kb.cells.size, owners },
    services,
    staleMonths,
    stale,
    oldest,
    missingCore,
    coreAreas,
  };
}
