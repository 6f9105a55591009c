import { createHash } from 'node:crypto';
import type { Owner } from '../knowledge/schema';
import type { KnowledgeBase } from '../knowledge/types';
import { escapeHtml, jsonForScript } from './html';
import { buildMatrixModel, cellDetails, type MatrixRow, type Position } from './matrixModel';
import { MATRIX_SCRIPT } from './matrixScript';
import { MATRIX_CSS } from './matrixStyles';

export const OWNER_LABEL: Record<Owner, string> = { aws: 'AWS', customer: 'You', shared: 'Shared', depends: 'Depends' };
/** A letter beside the colour, for greyscale prints and colour-blind readers. */
const OWNER_LETTER: Record<Owner, string> = { aws: 'A', customer: 'Y', shared: 'S', depends: 'D' };

export interface MatrixHtmlOptions {
  /** Shown in the page header; defaults to now. */
  generatedAt?: Date;
  /** A same-site address of the CSV export (GET /matrix.csv), shown as a download link; none in a saved file. */
  csvHref?: string;
  /** The Teams tab: load the Teams JavaScript client from this same-site path (with its SRI hash) and initialize it. */
  teams?: TeamsSdk;
}

export interface TeamsSdk {
  src: string;
  /** `sha384-...` of the served file: the page runs it only if it is exactly that file. */
  integrity: string;
}

/**
 * Teams shows a tab only once the page has called app.initialize(). The page records how that
 * went on <html data-teams>, so a test (and a curious admin) can see it.
 */
export const TEAMS_INIT_SCRIPT = `(function () {
  var root = document.documentElement;
  var teams = window.microsoftTeams;
  if (!teams || !teams.app) { root.setAttribute('data-teams', 'unavailable'); return; }
  root.setAttribute('data-teams', 'initializing');
  teams.app.initialize().then(function () {
    root.setAttribute('data-teams', 'ready');
    try { teams.app.notifySuccess(); } catch (e) { /* the tab does not ask for a loading indicator */ }
  }, function () { root.setAttribute('data-teams', 'failed'); });
})();`;

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * The page's Content-Security-Policy: only its own inline style and script (by hash), no
 * network access at all. Also sent as a header by GET /matrix, which can add frame-ancestors.
 */
export function matrixContentSecurityPolicy(options: { teams?: boolean } = {}): string {
  // The Teams tab adds the Teams client, same-site and pinned by its integrity hash, and its init script.
  const teams = options.teams ? ` 'self' ${sha256(TEAMS_INIT_SCRIPT)}` : '';
  return `default-src 'none'; style-src ${sha256(MATRIX_CSS)}; script-src ${sha256(MATRIX_SCRIPT)}${teams}; img-src data:; base-uri 'none'; form-action 'none'`;
}

function positionButton(row: MatrixRow, position: Position, areaId: string, areaTitle: string): string {
  const service = escapeHtml(row.service.name);
  const area = escapeHtml(areaId);
  if (position.kind === 'own') {
    const owner = position.cell.owner;
    const label = `${service}, ${escapeHtml(areaTitle)}: ${OWNER_LABEL[owner]}`;
    return `<button type="button" class="c o-${owner}" data-cell="${escapeHtml(position.cell.id)}" data-area="${area}" title="${label}">${OWNER_LETTER[owner]}</button>`;
  }
  if (position.kind === 'inherited') {
    const owner = position.cell.owner;
    const label = `${service}, ${escapeHtml(areaTitle)}: ${OWNER_LABEL[owner]} (general rule for every service)`;
    return `<button type="button" class="c inh o-${owner}" data-general="${escapeHtml(position.cell.id)}" data-area="${area}" title="${label}">${OWNER_LETTER[owner]}</button>`;
  }
  const label = `${service}, ${escapeHtml(areaTitle)}: no entry${position.missingCore ? ' for a core area' : ''}; the general rule applies`;
  const general = position.cell ? ` data-general="${escapeHtml(position.cell.id)}"` : '';
  return `<button type="button" class="c fb${position.missingCore ? ' miss' : ''}"${general} data-area="${area}" title="${label}">${position.missingCore ? '!' : '\u00b7'}</button>`;
}

function searchText(row: MatrixRow): string {
  const s = row.service;
  return [s.id, s.name, s.category, s.model, ...s.aliases].join(' | ').toLowerCase();
}

/**
 * The responsibility matrix as one self-contained HTML page: services as rows, areas as
 * columns, each cell coloured by owner and opening its full answer with citations. No external
 * assets, so it works from a saved file, offline and in print.
 */
export function renderMatrixHtml(kb: KnowledgeBase, options: MatrixHtmlOptions = {}): string {
  const model = buildMatrixModel(kb);
  const generated = (options.generatedAt ?? new Date()).toISOString().slice(0, 10);
  const areaTitles = new Map(model.areas.map((a) => [a.id, a.title]));
  const columns = model.areas.length + 1;

  const head = model.areas
    .map((a) => `<th scope="col" class="area${a.core ? ' core' : ''}" title="${escapeHtml(`${a.title}: ${a.description}${a.core ? ' (core area)' : ''}`)}"><span>${escapeHtml(a.title)}</span></th>`)
    .join('');
  const body = model.groups
    .map((group) => {
      const rows = group.rows
        .map((row) => {
          const cells = row.positions.map((p, i) => `<td>${positionButton(row, p, model.areas[i].id, areaTitles.get(model.areas[i].id) ?? '')}</td>`).join('');
          const s = row.service;
          return `<tr class="svc" data-service="${escapeHtml(s.id)}" data-model="${group.id === 'general' ? 'general' : escapeHtml(s.model)}" data-search="${escapeHtml(searchText(row))}"><th scope="row" title="${escapeHtml(s.summary)}"><span class="name">${escapeHtml(s.name)}</span><span class="cat">${escapeHtml(group.id === 'general' ? 'general rules' : s.category)}</span></th>${cells}</tr>`;
        })
        .join('\n');
      return `<tbody data-group="${escapeHtml(group.id)}"><tr class="group"><th colspan="${columns}">${escapeHtml(group.title)}</th></tr>\n${rows}</tbody>`;
    })
    .join('\n');

  const legendItems = (Object.keys(OWNER_LABEL) as Owner[])
    .map((o) => `<li><span class="sw o-${o}">${OWNER_LETTER[o]}</span>${o === 'customer' ? 'You (the customer)' : OWNER_LABEL[o]} <span class="n">${model.ownerCounts[o]}</span></li>`)
    .join('');
  const legend = `<ul class="legend" aria-label="Legend">${legendItems}<li><span class="sw inh">A</span>General rule</li><li><span class="sw fb">\u00b7</span>No entry</li><li><span class="sw fb miss">!</span>Core area missing</li></ul>`;

  const data = {
    services: Object.fromEntries([...kb.services.values()].map((s) => [s.id, { name: s.name, model: s.model }])),
    areas: Object.fromEntries(model.areas.map((a) => [a.id, { title: a.title, core: a.core }])),
    cells: cellDetails(kb),
  };

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${matrixContentSecurityPolicy({ teams: Boolean(options.teams) })}">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>Who secures what: the AWS shared responsibility matrix</title>
<style>${MATRIX_CSS}</style>
</head>
<body>
<header class="top">
<div><h1>Who secures what on AWS</h1><p class="sub">${model.serviceCount} services \u00d7 ${model.areas.length} responsibility areas \u00b7 ${model.cellCount} curated cells \u00b7 generated ${generated}</p></div>
${legend}
</header>
<div class="controls" role="search">
<input type="search" id="q" placeholder="Search services or answers (e.g. lambda)" aria-label="Search services or answers" autocomplete="off">
<div class="models" role="group" aria-label="Service model"><button type="button" data-model="" aria-pressed="true">All</button><button type="button" data-model="infrastructure" aria-pressed="false">Infrastructure</button><button type="button" data-model="container" aria-pressed="false">Container</button><button type="button" data-model="abstracted" aria-pressed="false">Abstracted</button></div>
<span class="status" id="status" aria-live="polite">${model.serviceCount} services</span>
${options.csvHref ? `<a class="download" href="${escapeHtml(options.csvHref)}" download="whosecures-matrix.csv">Download CSV</a>\n` : ''}<span class="hint">Click a cell for its answer and sources \u00b7 \u2605 core area \u00b7 / to search</span>
</div>
<main>
<table class="matrix">
<thead><tr><th class="corner" scope="col">Service</th>${head}</tr></thead>
${body}
</table>
<p class="print-only">A = AWS, Y = you, S = shared, D = depends (see the conditions); grey = the general rule for every service; ! = a core area with no entry. Generated ${generated} from the whosecures knowledge base.</p>
</main>
<aside id="panel" class="panel" tabindex="-1" hidden aria-live="polite"></aside>
<script type="application/json" id="matrix-data">${jsonForScript(data)}</script>
${options.teams ? `<script src="${escapeHtml(options.teams.src)}" integrity="${escapeHtml(options.teams.integrity)}"></script>\n<script>${TEAMS_INIT_SCRIPT}</script>\n` : ''}<script>${MATRIX_SCRIPT}</script>
</body>
</html>
`;
}
