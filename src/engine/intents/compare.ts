import { CitationList } from '../citations';
import { baseAnswer } from '../build';
import { composeText, OWNER_LABEL, ownerHeadline } from '../answerText';
import type { AnswerRow } from '../types';
import { resolveCell } from './lookup';
import type { Intent, RouteContext } from './context';

export const compareIntent: Intent = {
  name: 'compare',
  matches: (ctx) => ctx.services.length >= 2,
  handle: (ctx: RouteContext) => {
    const { kb } = ctx;
    const areas = ctx.area ? [ctx.area] : kb.lexicon['compare-areas'];
    // "aws/s3 and aws/ebs keys": KMS is the means, S3 and EBS are what is compared.
    const subjects = ctx.services.filter((s) => !(s in ctx.kb.lexicon.tools));
    const compared = subjects.length >= 2 ? subjects : ctx.services;
    const citations = new CitationList(kb);
    const rows: AnswerRow[] = [];
    for (const areaId of areas) {
      for (const serviceId of compared) {
        const resolved = resolveCell(ctx, serviceId, areaId);
        if (!resolved) continue;
        const owner = resolved.override?.owner ?? resolved.cell.owner;
        const service = kb.services.get(serviceId)!;
        rows.push({
          cellId: resolved.cell.id,
          label: areas.length > 1 ? `${service.name}, ${kb.areas.get(areaId)?.title ?? areaId}` : service.name,
          owner,
          summary: resolved.cell.service === 'general' ? `${kb.areas.get(areaId)?.universal ? 'Same for every service: ' : 'General rule: '}${resolved.cell.summary}` : resolved.cell.summary,
          citationNumbers: citations.add(resolved.cell.citations),
        });
      }
    }
    const owners = new Set(rows.map((r) => r.owner));
    const verdict = rows.length === 0 ? 'unknown' : owners.size === 1 ? [...owners][0] : 'depends';
    const names = compared.map((s) => kb.services.get(s)?.name ?? s);
    const areaTitle = ctx.area ? kb.areas.get(ctx.area)?.title ?? ctx.area : 'the main areas';
    const lead =
      verdict === 'depends'
        ? `${areaTitle}: it differs between ${names.join(', ')}.`
        : `${areaTitle}: ${OWNER_LABEL[verdict as keyof typeof OWNER_LABEL] ?? verdict} for ${names.join(', ')}.`;
    const headline = verdict === 'depends' ? 'It differs by service' : verdict === 'unknown' ? 'Not in the knowledge base' : ownerHeadline(verdict);
    const answer = baseAnswer('compare', verdict, headline, '');
    answer.topic = { id: `compare:${ctx.services.join(',')}:${ctx.area ?? 'overview'}`, title: `${areaTitle}: ${names.join(' vs ')}` };
    answer.rows = rows;
    answer.text = composeText(answer, lead);
    answer.citations = citations.items;
    answer.cells = [...new Set(rows.map((r) => r.cellId))];
    answer.confidence = 0.9;
    answer.context = { service: ctx.services[ctx.services.length - 1], area: ctx.area };
    answer.suggestions = ctx.services.map((s) => `what am I responsible for with ${kb.services.get(s)?.name ?? s}?`).slice(0, 3);
    return answer;
  },
};
