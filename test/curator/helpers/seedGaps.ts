import type { Store } from '../../../src/store/types';

const DAY = 86_400_000;

/**
 * A question log and feedback with a known answer for `kb gaps --since 30d`:
 *   ec2.os-patching     4 not helpful (3 users)
 *   words:zorblax       3 (2 not found + 1 not helpful, 3 users)
 *   waf.backups         3 low confidence (2 users): the general rule stood in for WAF
 *   s3.encryption-at-rest 1 low confidence (a search hit)
 * plus rows that must not count: confident answers, greetings, out of scope, helpful votes,
 * and a not-found question older than 30 days.
 */
export async function seedGaps(store: Store, now: Date): Promise<void> {
  const at = (daysAgo: number, minutes = 0) => new Date(now.getTime() - daysAgo * DAY + minutes * 60_000);
  const log = (question: string, intent: string, cells: string[], confidence: number, userId: string, when: Date, verdict = 'customer') =>
    store.logQuestion({ question, intent, verdict, cells, confidence, platform: 'slack', userId, at: when });
  const vote = (answerId: string, userId: string, helpful: boolean, cells: string[], when: Date, question?: string) =>
    store.recordFeedback({ answerId, platform: 'slack', userHash: store.hashUserId('slack', userId), helpful, cells, at: when, ...(question ? { question } : {}) });

  await log('how do I back up my WAF rules?', 'lookup', ['general.backups'], 0.55, 'U1', at(3));
  await log('How do I back up my WAF rules', 'lookup', ['general.backups'], 0.55, 'U2', at(2));
  await log('who restores WAF web ACLs after a mistake?', 'lookup', ['general.backups'], 0.55, 'U1', at(1));

  await log('who looks after zorblax ledgers', 'not_found', [], 0, 'U3', at(5), 'unknown');
  await log('zorblax ledger duties \u001b[31mnow\u001b[0m', 'not_found', [], 0.1, 'U4', at(4), 'unknown');
  await vote('a-z', 'U5', false, [], at(1, 5), '=2+3 "zorblax", cmd');

  await vote('a1', 'U1', false, ['ec2.os-patching'], at(6), 'who patches my EC2 kernel?');
  await vote('a2', 'U2', false, ['ec2.os-patching'], at(2), 'patching windows on ec2');
  await vote('a3', 'U3', false, ['ec2.os-patching'], at(1), 'who patches my EC2 kernel?');
  await vote('a4', 'U3', false, ['ec2.os-patching'], at(0, -10));

  await log('is s3 data encrypted by default', 'lookup', ['s3.encryption-at-rest'], 0.5, 'U6', at(7));

  // Not gaps.
  await log('who patches the guest OS on EC2?', 'lookup', ['ec2.os-patching'], 0.95, 'U1', at(1));
  await log('hello', 'greeting', [], 1, 'U1', at(1), 'none');
  await log('tell me a joke', 'out_of_scope', [], 1, 'U1', at(1), 'out_of_scope');
  await log('???', 'invalid_input', [], 1, 'U1', at(1), 'none');
  await vote('a5', 'U4', true, ['ec2.os-patching'], at(1), 'thanks');
  await log('who secures the ancient zorblax thing', 'not_found', [], 0, 'U9', at(40), 'unknown');
}
