import { CitationList } from '../citations';
import { baseAnswer, cellTitle } from '../build';
import { composeText } from '../answerText';
import type { Intent, RouteContext } from './context';

export const overviewIntent: Intent = {
  name: 'overview',
  matches: (ctx) => ctx.services.length === 1 && ctx.area === undefined,
  handle: (ctx: RouteContext) => {
    const { kb } = ctx;
    const service = kb.services.get(ctx.services[0])!;
    const order = kb.lexicon['overview-order'];
    const rank = (area: string) => (order.includes(area) ? order.indexOf(area) : order.length);
    const cells = [...kb.cellsOf(service.id)].sort((a, b) => rank(a.area) - rank(b.area));
    const citations = new CitationList(kb);
    const rows = cells.map((cell) => ({
      cellId: cell.id,
      label: kb.areas.get(cell.area)?.title ?? cellTitle(kb, cell),
      owner: cell.owner,
      summary: cell.summary,
      citationNumbers: citations.add(cell.citations),
    }));
    const answer = baseAnswer('overview', 'shared', `Shared: what AWS and you secure on ${service.name}`, '');
    answer.topic = { id: service.id, title: service.name };
    answer.rows = rows;
    // Each area is a row with its owner; area titles under "What you do" would not read as things to do.
    answer.text = composeText(answer, `${service.summary}\n\nPhysical security, hardware, the global network and the virtualization layer are AWS's, as for every service.`);
    answer.citations = citations.items;
    answer.cells = rows.map((r) => r.cellId);
    answer.confidence = 0.9;
    answer.context = { service: service.id };
    answer.suggestions = service.related.slice(0, 3).map((r) => `How do ${service.name} and ${kb.services.get(r)?.name ?? r} compare?`);
    return answer;
  },
};
