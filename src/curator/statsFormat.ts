import { OWNERS } from '../knowledge/schema';
import type { KbStats } from './stats';
import { textTable } from './textTable';

export const STATS_FORMATS = ['table', 'json'] as const;
export type StatsFormat = (typeof STATS_FORMATS)[number];

const OWNER_HEADINGS: Record<string, string> = { aws: 'aws', customer: 'you', shared: 'shared', depends: 'depends' };

export function formatStatsTable(stats: KbStats): string {
  const t = stats.totals;
  const out: string[] = [];
  out.push(`${t.services} services, ${t.areas} areas (${stats.coreAreas.length} core), ${t.cells} cells: ${OWNERS.map((o) => `${t.owners[o]} ${OWNER_HEADINGS[o]}`).join(', ')}`);
  out.push('');
  // Where the next review starts: the cells checked longest ago, whatever --stale says.
  out.push(`oldest: the ${stats.oldest.length} cell${stats.oldest.length === 1 ? '' : 's'} verified longest ago`);
  out.push(textTable(['id', 'verified', 'months', 'file'], stats.oldest.map((s) => [s.id, s.verified ?? '(none)', s.months === undefined ? '?' : s.months, s.file])));
  out.push('');
  out.push(textTable(['service', 'model', 'cells', ...OWNERS.map((o) => OWNER_HEADINGS[o])], stats.services.map((s) => [s.id, s.model, s.cells, ...OWNERS.map((o) => s.owners[o])])));
  out.push('');
  if (stats.stale.length === 0) {
    out.push(`stale: none (every cell and concept verified within ${stats.staleMonths} months)`);
  } else {
    out.push(`stale: ${stats.stale.length} entr${stats.stale.length === 1 ? 'y' : 'ies'} with no verified date or verified more than ${stats.staleMonths} months ago`);
    out.push(textTable(['kind', 'id', 'verified', 'months', 'file'], stats.stale.map((s) => [s.kind, s.id, s.verified ?? '(none)', s.months === undefined ? '?' : s.months, s.file])));
  }
  out.push('');
  if (stats.missingCore.length === 0) {
    out.push(`missing core areas: none (every service covers ${stats.coreAreas.join(', ')})`);
  } else {
    out.push(`missing core areas: ${stats.missingCore.length} service(s) fall back to the general rule for a core area`);
    out.push(textTable(['service', 'missing'], stats.missingCore.map((m) => [m.service, m.areas.join(', ')])));
  }
  return out.join('\n');
}

export function formatStats(stats: KbStats, format: StatsFormat): string {
  return format === 'json' ? JSON.stringify(stats, null, 2) : formatStatsTable(stats);
}
