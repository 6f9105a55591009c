import type { Cell, KnowledgeBase } from '../knowledge/types';
import { QUESTION_FILLER, stemmedSet, words } from './wordsets';

/**
 * A shared cell says what each side does. A question whose words clearly point at one side's
 * duties ("who keeps the standby in sync?", "who writes the key policy?") asks about that side.
 * Conservative: the side needs two points and twice the other side's score.
 */

/** Filler, plus words that describe either side equally ("make sure", "take care of"). */
const IGNORED = new Set([...QUESTION_FILLER, ...stemmedSet('care take takes make makes sure side part anything something thing things stuff each every same new default')]);

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
