import type { Cell, KnowledgeBase } from '../knowledge/types';
import { normalizeText, stemToken } from '../text/normalize';

/**
 * A shared cell says what each side does. A question whose words clearly point at one side's
 * duties ("who keeps the standby in sync?", "who writes the key policy?") asks about that side.
 * Conservative: the side needs two points and twice the other side's score.
 */

const IGNORED = new Set(
  `a an the is are am be to of in on for and or with who whos what whats which how do does did i me my we our us you
  your it its this that there their by as at from about can could should would will need have has if so any all
  than then them they was were been into via vs versus when where while not no only just also still use using used
  uses aws amazon customer customers service services data own owner responsible responsibility job handle handled
  handles manage managed managing management secure secures security care take takes make makes sure side part
  anything something thing things stuff each every same new default`
    .split(/\s+/)
    .filter(Boolean)
    .map(stemToken),
);

function words(text: string): string[] {
  return normalizeText(text).split(' ').filter(Boolean).map(stemToken);
}

export function sideOfDuties(kb: KnowledgeBase, cell: Cell, question: string): 'aws' | 'customer' | undefined {
  if (cell.aws.length === 0 || cell.customer.length === 0) return undefined;
  const service = kb.services.get(cell.service);
  const serviceWords = new Set(service ? [service.id, ...words(service.name), ...service.aliases.flatMap(words)] : []);
  const asked = new Set(words(question).filter((w) => w.length > 2 && !IGNORED.has(w) && !serviceWords.has(w)));
  const awsWords = new Set(cell.aws.flatMap(words));
  const customerWords = new Set(cell.customer.flatMap(words));
  let aws = 0;
  let customer = 0;
  for (const w of asked) {
    const inAws = awsWords.has(w);
    const inCustomer = customerWords.has(w);
    if (inAws && !inCustomer) aws += 1;
    if (inCustomer && !inAws) customer += 1;
  }
  if (aws >= 2 && aws >= 2 * customer) return 'aws';
  if (customer >= 2 && customer >= 2 * aws) return 'customer';
  return undefined;
}
