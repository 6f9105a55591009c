import { CitationList } from '../citations';
import { baseAnswer } from '../build';
import { composeText, listJoin, lowerFirst, ownerHeadline, sentence } from '../answerText';
import type { Owner } from '../../knowledge/types';
import type { AnswerRow } from '../types';
import { resolveCell } from './lookup';
import type { Intent, RouteContext } from './context';

/** "AWS is responsible" for every service compared. */
function ownerOnServices(owner: Owner): string {
  if (owner === 'aws') return 'AWS is responsible';
  if (owner === 'customer') return 'you are responsible';
  if (owner === 'shared') return 'the work is shared between AWS and you';
  return 'it depends on the situation';
}

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
          // A general rule standing in says so; one that holds for every service says so itself.
          summary: resolved.cell.service === 'general' && !kb.areas.get(areaId)?.universal ? `No entry of its own; the general rule applies. ${resolved.cell.summary}` : resolved.cell.summary,
          citationNumbers: citations.add(resolved.cell.citations),
        });
      }
    }
    const owners = new Set(rows.map((r) => r.owner));
    const verdict = rows.length === 0 ? 'unknown' : owners.size === 1 ? [...owners][0] : 'depends';
    const names = compared.map((s) => kb.services.get(s)?.name ?? s);
    const areaTitle = ctx.area ? kb.areas.get(ctx.area)?.title ?? ctx.area : undefined;
    // A whole sentence naming the owner in words (docs/answer-style.md).
    const scope = areaTitle ? `for ${lowerFirst(areaTitle)} on ${listJoin(names)}` : `across the main areas of ${listJoin(names)}`;
    const lead =
      verdict === 'unknown'
        ? `The knowledge base has no entry ${areaTitle ? scope : `for the main areas of ${listJoin(names)}`}.`
        : sentence(`${scope}, ${verdict === 'depends' && owners.size > 1 ? 'who is responsible differs by service' : ownerOnServices(verdict as Owner)}`);
    const headline = verdict === 'depends' ? 'It differs by service' : verdict === 'unknown' ? 'Not in the knowledge base' : ownerHeadline(verdict as Owner);
    const answer = baseAnswer('compare', verdict, headline, '');
    answer.topic = { id: `compare:${ctx.services.join(',')}:${ctx.area ?? 'overview'}`, title: `${areaTitle ?? 'Main areas'}: ${names.join(' vs ')}` };
    answer.rows = rows;
    answer.text = composeText(answer, lead);
    answer.citations = citations.items;
    answer.cells = [...new Set(rows.map((r) => r.cellId))];
    answer.confidence = 0.9;
    answer.context = { service: ctx.services[ctx.services.length - 1], area: ctx.area };
    answer.suggestions = ctx.services.map((s) => `What am I responsible for with ${kb.services.get(s)?.name ?? s}?`).slice(0, 3);
    return answer;
  },
};
