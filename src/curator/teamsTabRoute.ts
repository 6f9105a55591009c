import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { KnowledgeBase } from '../knowledge/types';
import type { HttpRoute } from '../server';
import { cachedRoute } from './matrixRoute';
import { matrixContentSecurityPolicy, renderMatrixHtml } from './matrixHtml';

/**
 * Where Teams (and the Microsoft 365 hosts that run Teams tabs) frame a tab: Microsoft's list
 * for tab pages, https only.
 */
export const TEAMS_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://*.cloud.microsoft',
  'https://*.microsoft365.com',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
];

export const TEAMS_TAB_PATH = '/teams/matrix';
export const TEAMS_SDK_PATH = '/teams/teams-js.min.js';

/** The Teams JavaScript client's browser bundle from the installed package, served by us (the page loads nothing from elsewhere). */
function teamsSdk(): { body: string; integrity: string } {
  const body = readFileSync(require.resolve('@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js'), 'utf8');
  return { body, integrity: `sha384-${createHash('sha384').update(body, 'utf8').digest('base64')}` };
}

/**
 * The Teams personal tab: the matrix page (the same as GET /matrix) that Teams may frame, which
 * initializes the Teams client, and the client itself. Like /matrix it shows curated knowledge
 * only, never user data, and is off with MATRIX_PAGE_ENABLED=false.
 */
export function teamsTabRoutes(kb: KnowledgeBase): HttpRoute[] {
  let sdk: ReturnType<typeof teamsSdk> | undefined;
  const loadSdk = () => (sdk ??= teamsSdk());
  return [
    cachedRoute(TEAMS_TAB_PATH, () => renderMatrixHtml(kb, { csvHref: '../matrix.csv', teams: { src: 'teams-js.min.js', integrity: loadSdk().integrity } }), {
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': `${matrixContentSecurityPolicy({ teams: true })}; frame-ancestors 'self' ${TEAMS_FRAME_ANCESTORS.join(' ')}`,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    }),
    cachedRoute(TEAMS_SDK_PATH, () => loadSdk().body, {
      'content-type': 'text/javascript; charset=utf-8',
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=3600',
    }),
  ];
}
