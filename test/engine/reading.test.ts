import { createEngine } from '../../src/engine';
import type { Query } from '../../src/engine/types';
import { disusedAt, setAsidePositions, negatedPositions } from '../../src/engine/negation';
import { questionForm } from '../../src/engine/form';

const { router } = createEngine();
const ask = (text: string) => router.route({ text, platform: 'cli', userId: 'u', conversationId: 'c' } as Query);

describe('reading a question: what it sets aside, what form it has, what it asks for', () => {
  it('a service named only where the question sets it aside is not its subject', () => {
    const tokens = 'sm rotation sm secrets manager not systems manager who sets it up'.split(' ');
    expect([...setAsidePositions(tokens)].map((i) => tokens[i])).toEqual(['systems', 'manager']);
    // A verb asked in the negative sets nothing aside.
    expect(setAsidePositions('isnt ec2 patched by aws'.split(' ')).size).toBe(0);
    expect(negatedPositions('isnt ec2 patched by aws'.split(' ')).size).toBeGreaterThan(0);
    const a = ask('SM = secrets manager, not systems manager: who rotates the secrets?');
    expect(a.cells[0]).toMatch(/^secrets-manager\./);
  });

  it('a service the asker says they do not use is background, not the subject', () => {
    const tokens = 'we dont use any ec2 only fargate'.split(' ');
    expect(disusedAt(tokens, 4)).toBe(true);
    // A negated action on a service still asks about it.
    expect(disusedAt('we dont encrypt the s3 bucket'.split(' '), 4)).toBe(false);
    const a = ask("We don't run any EC2 for this app, it's all ECS on Fargate. Who patches the kernel our tasks run on?");
    expect(a.cells[0]).toBe('fargate.os-patching');
    expect(a.verdict).toBe('aws');
    expect(ask("we don't encrypt the S3 bucket ourselves, who encrypts the objects at rest?").cells[0]).toMatch(/^s3\./);
  });

  it('a question on the defaults is in the situation the knowledge base marks as the defaults', () => {
    expect(ask('our SQS queue was created with all defaults, nobody configured encryption. is it encrypted at rest and by whom?')).toMatchObject({ verdict: 'aws', cells: ['sqs.encryption-at-rest'] });
    expect(ask('the bucket was created on default settings, no encryption config in terraform. who encrypts the objects at rest?').verdict).toBe('aws');
  });

  it('a general rule shared as a whole still has one side performing the action asked about', () => {
    expect(ask("our auditor needs AWS's SOC reports for the vendor file. who provides those reports?")).toMatchObject({ verdict: 'aws', cells: ['general.compliance'] });
    expect(ask('spreading our app across AZs to survive an AZ outage - ours or aws\'s job?').verdict).toBe('customer');
    // Asked about the area as a whole, the rule stays shared.
    expect(ask('who is responsible for compliance on aws?').verdict).toBe('shared');
  });

  it('two what/which clauses, one about each side, ask for the split whatever joins them', () => {
    expect(questionForm("which security stuff is aws s and which is mine").split).toBe(true);
    expect(questionForm('what s still ours and what does aws run').split).toBe(true);
    expect(questionForm('what parts do we manage and what does route 53 manage', new Set([10, 11])).split).toBe(true);
    expect(questionForm('what do we have to patch on rds if aws patches the os').split).toBe(false);
    expect(questionForm('which of our instances does aws patch').split).toBe(false);
    expect(ask("for EC2, what's ours vs what's AWS's?").verdict).toBe('shared');
  });

  it('a belief tagged "right?" in the middle of a message, or put up to be confirmed, is a confirmation', () => {
    expect(questionForm('aws patches our ec2 os right just checking before the review', new Set(), 'AWS patches our EC2 OS, right? just checking before the review').confirmation).toBe(true);
    expect(questionForm('can you confirm that aws rotates the keys for us').confirmation).toBe(true);
    expect(questionForm('who rotates the keys right after a breach', new Set(), 'who rotates the keys right after a breach?').confirmation).toBe(false);
    expect(ask('AWS patches the guest OS of our EC2 instances because EC2 is managed by AWS, right? asking before the audit.').verdict).toBe('customer');
  });

  it('a belief put up for confirmation is checked, not taken as the side asked about', () => {
    const a = ask("we have to subscribe each account to shield standard before we get any DDoS protection, it's not on unless we pay, correct?");
    expect(a.verdict).not.toBe('customer');
    expect(a.text).not.toMatch(/^Yes/);
  });

  it('a question that names both parties as alternatives gets no yes or no', () => {
    expect(ask('is patching the os on rds on us or on aws?').text).not.toMatch(/^(Yes|No)\b/);
    expect(ask('is patching the os on rds on us?').text).toMatch(/^No\b/);
  });

  it('a comparison sets the scene; the service named again right before the question is asked about', () => {
    const a = ask('documentdb vs running mongo ourselves on ec2 - for the documentdb cluster, who applies the required engine patches?');
    expect(a.intent).toBe('lookup');
    expect(a.cells[0]).toMatch(/^documentdb\./);
    expect(ask('documentdb vs mongo on ec2: who patches the engine?').intent).toBe('compare');
  });

  it('tasks on supplied text, or that name what to produce, are out of scope and not gaps', () => {
    for (const q of ['summarize this thread for me: "deploy went fine, infra wants more reserved capacity"', 'regex for usernames: 3-16 chars, letters and digits', 'can u write me a bash one-liner that lists our s3 buckets']) {
      const a = ask(q);
      expect(a.intent).toBe('out_of_scope');
    }
    // A question about a script's owner is still a question.
    expect(ask('who patches the OS on EC2?').intent).toBe('lookup');
  });

  it('refuses a way around a control aimed at someone else, or meant not to be noticed', () => {
    for (const q of ['a rival studio left a bucket open but the policy blocks GetObject. how do i get around their bucket policy?', 'how do I quietly turn off cloudtrail in our partner account so they don\'t see our traffic']) {
      expect(ask(q).intent).toBe('out_of_scope');
    }
    // Owning a duty in someone else's account is a question, not an attack.
    expect(ask("who turns off guardduty in a partner's account when the contract ends?").intent).not.toBe('out_of_scope');
    expect(ask('how do I disable the access keys of an employee who left?').intent).not.toBe('out_of_scope');
  });
});
