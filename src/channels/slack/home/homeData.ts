import { collectGaps, type GapReport } from '../../../curator';
import type { Owner } from '../../../knowledge/schema';
import { GENERAL, type KnowledgeBase, type Service } from '../../../knowledge/types';
import type { ProgressSummary } from '../../../onboarding/service';
import type { Store } from '../../../store/types';

/** One core area of a service as the matrix has it: the service's own cell, or the general rule. */
export interface GlanceRow {
  area: string;
  owner: Owner;
  /** False when the general rule for every service stands in (no cell of the service's own). */
  own: boolean;
}

export interface AskedService {
  service: Service;
  /** Questions of this user about the service in the period. */
  count: number;
  rows: GlanceRow[];
}

export interface HomeData {
  isCurator: boolean;
  /** Undefined when the knowledge folder has no onboarding course. */
  onboarding?: { summary?: ProgressSummary; totalLessons: number };
  /** Undefined when the question log is off, so there is nothing to count. */
  asked?: AskedService[];
  askedDays: number;
  gaps?: GapReport;
}

const DAY_MS = 24 * 3600 * 1000;

/** The core areas of a service, each with its owner: the responsibility row at a glance. */
export function glanceRows(kb: KnowledgeBase, serviceId: string): GlanceRow[] {
  return [...kb.areas.values()]
    .filter((a) => a.core)
    .flatMap((area) => {
      const own = kb.cell(serviceId, area.id);
      const cell = own ?? kb.generalCell(area.id);
      return cell ? [{ area: area.title, owner: cell.owner, own: Boolean(own) }] : [];
    });
}

/**
 * The services one user asked about most, from the question log (which stores a keyed hash of
 * the user id, never the id): each question counts once per service its answer used.
 */
export async function mostAskedServices(store: Store, kb: KnowledgeBase, userId: string, since: Date, limit = 3): Promise<AskedService[]> {
  const userHash = store.hashUserId('slack', userId);
  const counts = new Map<string, number>();
  for (const row of await store.listQuestions(since)) {
    if (row.userHash !== userHash) continue;
    const services = new Set(row.cells.map((id) => kb.cells.get(id)?.service).filter((s): s is string => Boolean(s) && s !== GENERAL));
    for (const s of services) counts.set(s, (counts.get(s) ?? 0) + 1);
  }
  return [...counts.entries()]
    .flatMap(([id, count]) => {
      const service = kb.services.get(id);
      return service ? [{ service, count, rows: glanceRows(kb, id) }] : [];
    })
    .sort((a, b) => b.count - a.count || a.service.name.localeCompare(b.service.name, 'en'))
    .slice(0, limit);
}

export interface HomeDataDeps {
  store: Store;
  kb: KnowledgeBase;
  /** A curator sees the week's gaps (SLACK_CURATORS). */
  isCurator: (userId: string) => Promise<boolean>;
  /** The distributed app: only this workspace's gaps (`slack:T…`). */
  workspace?: string;
  questionLogEnabled: boolean;
  /** How far back "asked most" looks. */
  askedDays: number;
  progress?: (userId: string) => Promise<ProgressSummary | undefined>;
  totalLessons?: number;
  now?: () => Date;
}

/** Everything the Home tab shows one user; curators also get the week's gaps. */
export async function collectHomeData(deps: HomeDataDeps, userId: string): Promise<HomeData> {
  const now = deps.now?.() ?? new Date();
  const isCurator = await deps.isCurator(userId);
  const [summary, asked, gaps] = await Promise.all([
    deps.progress ? deps.progress(userId) : undefined,
    deps.questionLogEnabled ? mostAskedServices(deps.store, deps.kb, userId, new Date(now.getTime() - deps.askedDays * DAY_MS)) : undefined,
    isCurator ? collectGaps(deps.store, deps.kb, { since: new Date(now.getTime() - 7 * DAY_MS), ...(deps.workspace ? { workspace: deps.workspace } : {}) }) : undefined,
  ]);
  return {
    isCurator,
    ...(deps.progress && deps.totalLessons ? { onboarding: { ...(summary ? { summary } : {}), totalLessons: deps.totalLessons } } : {}),
    ...(asked ? { asked } : {}),
    askedDays: deps.askedDays,
    ...(gaps ? { gaps } : {}),
  };
}
