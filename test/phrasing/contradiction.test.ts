import { createRouter } from '../../src/engine/router';
import { loadKnowledge } from '../../src/knowledge/loader';
import { findContradiction } from '../../src/phrasing/contradiction';
import { subjectsOf } from '../../src/phrasing/subjects';

const kb = loadKnowledge();
const router = createRouter(kb);

function check(question: string, text: string) {
  const answer = router.route({ text: question, platform: 'cli', userId: 'u', conversationId: 'c' });
  return { answer, found: findContradiction({ text, verdict: answer.verdict, question, subjects: subjectsOf(answer, kb) }) };
}

interface Case {
  question: string;
  verdict: string;
  consistent: string[];
  contradicting: string[];
}

const CASES: Case[] = [
  {
    question: 'who patches the OS on EC2?',
    verdict: 'customer',
    consistent: [
      'You patch and update the guest operating system on your EC2 instances [1]. AWS only patches the host operating system and the hypervisor underneath [3].',
      'On EC2 the guest OS is yours: install updates and security patches on a schedule you define, and harden it [4]. AWS takes care of the host and the hypervisor [2].',
      'AWS publishes updated AMIs and offers Patch Manager, but applying patches inside the instance is your job [4].',
      'This is your responsibility: keep the guest OS patched and replace instances built from outdated AMIs [1].',
      "AWS does not patch your guest operating system; that part is on you [1].",
      'The customer is responsible for patching the guest OS [1].',
    ],
    contradicting: [
      'AWS patches the guest OS on EC2 for you [1].',
      'AWS is responsible for patching the OS on EC2 [1].',
      "You don't need to patch anything; AWS handles it [1].",
      'Patching the guest OS is handled by AWS [1].',
      "Don't worry: this is AWS's job [2].",
      "It's not your responsibility [1].",
      'Amazon Web Services takes care of OS updates on your instances [1].',
      'There is nothing for you to do here, the platform keeps itself current [1].',
      'AWS patches the host and the guest OS [1].',
      'You do not install OS updates on EC2; it happens for you [1].',
    ],
  },
  {
    question: 'who patches the OS on RDS?',
    verdict: 'aws',
    consistent: [
      'AWS installs and patches the operating system of your RDS instances in your maintenance window [1]. You only choose the window and can apply optional OS updates early [2].',
      'You have no shell access to the RDS host, so AWS keeps its OS patched for you [1].',
      'With RDS Custom for Oracle or SQL Server, you decide when to apply OS updates [3].',
      'Operating system patching on RDS is AWS’s job [1].',
    ],
    contradicting: [
      'You are responsible for patching the OS on RDS [1].',
      'You need to patch the RDS operating system yourself [1].',
      'AWS does not patch the operating system of RDS instances [1].',
      'Keeping the OS patched falls to you [2].',
      'You do not need to watch pending-maintenance notices or apply optional updates [1].',
    ],
  },
  {
    question: 'who is responsible for engine patching on RDS?',
    verdict: 'shared',
    consistent: [
      'Engine patching on RDS is shared: AWS releases and installs minor versions [1], while you start major version upgrades after testing them [2].',
      'AWS applies minor upgrades automatically when auto minor version upgrade is on [2]. You choose the maintenance window and decide on major versions [3].',
    ],
    contradicting: [
      'AWS is solely responsible for engine patching on RDS [1].',
      "You don't have to do anything about engine patches on RDS [1].",
      'Engine patching is entirely up to you [1].',
      'AWS is not responsible for patching the engine [1].',
    ],
  },
  {
    question: 'who patches the OS on EC2 vs RDS vs Lambda?',
    verdict: 'depends',
    consistent: [
      'On EC2 you patch the guest OS yourself [1], while on RDS and Lambda AWS patches the operating system for you [5][8].',
      'Unlike EC2, RDS has its OS patched by AWS [5]. Lambda too: AWS patches the OS its functions run on [8]. EC2 is the one where you patch [1].',
    ],
    contradicting: [
      'AWS patches the OS on EC2, RDS and Lambda [1].',
      'On EC2, AWS handles OS patching [1].',
      'On Lambda you patch the operating system your functions run on [8].',
      'AWS handles everything for all three services [1].',
    ],
  },
  {
    question: 'is AWS responsible for patching the guest OS on EC2?',
    verdict: 'customer',
    consistent: ['No. You patch the guest operating system of your EC2 instances [1].'],
    contradicting: ['Yes, AWS covers that [1].', 'Yes. Keeping the guest OS current is part of running EC2 [1].'],
  },
  {
    question: 'what am I responsible for with RDS?',
    verdict: 'shared',
    consistent: [
      'On RDS, AWS patches the operating system and runs automated backups [1], while you control network access, database users and encryption choices [2].',
      'You own who can reach the database and who can log in to it [3], and AWS keeps the operating system patched [1].',
    ],
    contradicting: [
      'On RDS, AWS handles everything, including network access and encryption [1].',
      'AWS configures your security groups for you on RDS [1].',
    ],
  },
];

describe('owner contradiction check', () => {
  for (const c of CASES) {
    describe(c.question, () => {
      test(`the router's verdict is ${c.verdict}`, () => {
        expect(check(c.question, 'x').answer.verdict).toBe(c.verdict);
      });
      test.each(c.consistent)('accepts: %s', (text) => {
        expect(check(c.question, text).found).toBeUndefined();
      });
      test.each(c.contradicting)('rejects: %s', (text) => {
        expect(check(c.question, text).found).toBeDefined();
      });
    });
  }

  test('says why, naming the clause and the subject', () => {
    const { found } = check('who patches the OS on EC2 vs RDS vs Lambda?', 'On RDS AWS patches the OS [5], while on EC2 AWS handles OS patching as well [1].');
    expect(found?.subject).toBe('Amazon EC2');
    expect(found?.clause).toMatch(/on EC2 AWS handles OS patching/);
    expect(found?.why).toMatch(/AWS where the owner is the customer/);
  });
});
