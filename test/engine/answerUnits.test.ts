import { loadKnowledge } from '../../src/knowledge/loader';
import { createRouter } from '../../src/engine/router';
import { UnitIndex } from '../../src/engine/units';
import { Vocabulary } from '../../src/engine/vocabulary';
import { negatedPositions } from '../../src/engine/negation';
import { objectAfter, VerbReader } from '../../src/engine/verbs';
import { normalizeText } from '../../src/text/normalize';

const kb = loadKnowledge();
const router = createRouter(kb);
const ask = (text: string) => router.route({ text, platform: 'cli', userId: 'u', conversationId: 'c' });

describe('answer units: the duty a question is about decides, wherever the area words point', () => {
  it('reads the object of a verb up to its first preposition, without determiners', () => {
    const tokens = normalizeText('Creates the key-signing key from your KMS key').split(' ');
    expect(objectAfter(tokens, 0)).toEqual(['key', 'signing', 'key']);
    expect(objectAfter('who rotates the master password now'.split(' '), 1)).toEqual(['master', 'password', 'now']);
  });

  it('reads "starts renewing" as the renewal it starts', () => {
    const reader = new VerbReader(new Vocabulary(kb), new Set());
    expect([...reader.leadingVerbs('Starts renewing managed certificates automatically.')]).toContain(new Vocabulary(kb).terms('renew')[0]);
  });

  it('finds the duty of another of the service\'s cells when the chosen cell holds nothing like it', () => {
    const units = new UnitIndex(kb, new Vocabulary(kb));
    const tokens = normalizeText('that lightsail box: upgrading php, wordpress core and plugins, who does it?').split(' ');
    const chosen = kb.cells.get('lightsail.engine-patching')!;
    const found = units.acrossService(tokens, negatedPositions(tokens), chosen, { minScore: 12, margin: 2, overChosen: 3 });
    expect(found?.unit.cellId).toBe('lightsail.application-code');
    expect(found?.unit.side).toBe('customer');
    // Not when the same words fit the chosen cell as well.
    const own = kb.cells.get('lightsail.application-code')!;
    expect(units.acrossService(tokens, negatedPositions(tokens), own, { minScore: 12, margin: 2, overChosen: 3 })).toBeUndefined();
  });

  it('where both sides perform the action, the duty whose own object is the one asked about decides', () => {
    const a = ask('once dnssec signing is on for our route 53 hosted zone, who generates the key-signing key?');
    expect(a.cells[0]).toBe('route53.key-management');
    expect(a.verdict).toBe('aws');
  });

  it('a situation stated apart from the object still decides by its condition', () => {
    const a = ask('rds mysql with auto minor version upgrade turned off: who applies minor versions?');
    expect(a.cells[0]).toBe('rds.engine-patching');
    expect(a.verdict).toBe('customer');
  });

  it('inside a stated shared situation, the one action asked about gets the side that performs it', () => {
    const a = ask('elastic beanstalk with managed platform updates turned on - who applies the patch and minor updates?');
    expect(a.verdict).toBe('aws');
  });

  it('"managed by AWS" put up for confirmation is the belief checked, not a property of the thing', () => {
    const a = ask('AWS patches the OS on our EC2 boxes because they are managed by aws, correct?');
    expect(a.cells[0]).toBe('ec2.os-patching');
    expect(a.verdict).toBe('customer');
    expect(a.text).toMatch(/^No, that's a common misreading/);
  });

  it('an everyday topic named beside an AWS service does not make the question out of scope', () => {
    const a = ask('weather station readings land in DynamoDB, who encrypts the table at rest?');
    expect(a.intent).toBe('lookup');
    expect(a.cells[0]).toBe('dynamodb.encryption-at-rest');
  });
});

describe('scope: an AWS service the matrix does not cover is an AWS question', () => {
  it('is named as not covered yet even when its name is also an everyday topic word', () => {
    const a = ask('we send support chats through Amazon Translate; who protects the parallel data files we upload?');
    expect(a.verdict).toBe('unknown');
    expect(a.headline).toMatch(/Translate is not covered yet/);
  });
});

describe('scope: an everyday word right after an uncovered service is a thing of that service', () => {
  it('does not let a covered service\'s everyday alias take the question', () => {
    const a = ask('our Amazon Managed Grafana workspace for the ops dashboards: who upgrades the grafana version?');
    expect(a.verdict).toBe('unknown');
    expect(a.headline).toMatch(/Grafana is not covered yet/);
  });

  it('still answers the covered service named on its own', () => {
    const a = ask('who patches the OS of our WorkSpaces workspace bundles?');
    expect(a.verdict).not.toBe('unknown');
  });
});

describe('scope: the service the question clause names is its subject', () => {
  it('answers "not covered yet" when a covered service is only background before the question', () => {
    const a = ask('Our deciders run on EC2 instances and write to S3. Who is responsible for securing the Amazon SWF domain itself?');
    expect(a.verdict).toBe('unknown');
    expect(a.headline).toMatch(/Simple Workflow Service is not covered yet/);
  });

  it('keeps the covered service when the question clause names it too', () => {
    const a = ask('We use Amazon SWF for the billing flow. Who patches the EC2 instances that run the SWF workers?');
    expect(a.verdict).not.toBe('unknown');
    expect(a.cells[0]).toMatch(/^ec2\./);
  });
});

describe('scope: details of AWS facilities are declined in the list\'s words or with words between them', () => {
  it('declines "how many night-shift guards" and "which door lock models" as it declines "how many guards"', () => {
    for (const q of ['how many night-shift guards patrol the aws data center in dublin?', 'which door lock models does aws use at its data centre buildings?']) {
      const a = ask(q);
      expect({ q, verdict: a.verdict }).toEqual({ q, verdict: 'out_of_scope' });
    }
  });

  it('still answers who guards the data centers, and a zonal shift away from an AZ is no guard shift', () => {
    expect(ask('who guards the aws data centers?').verdict).toBe('aws');
    expect(ask('who shifts our nlb traffic out of an impaired az?').verdict).not.toBe('out_of_scope');
    expect(ask('do the security guards swap shifts at midnight in the aws data centre?').verdict).toBe('out_of_scope');
  });
});

describe('verbs: "AWS or us" after a question still asks who performs its action', () => {
  it('lets the duty that performs the asked action on the asked object decide', () => {
    const a = ask('once DNSSEC signing is on for our Route 53 zone, who generates the key-signing key, Route 53 or us?');
    expect(a.verdict).toBe('aws');
  });
});

describe('families of areas: "patching" alone asks about every kind of patching a service has', () => {
  it('answers shared with each kind shown when the kinds have different owners', () => {
    const a = ask('patching for RDS — whose job is it?');
    expect(a.verdict).toBe('shared');
    expect(a.cells).toEqual(expect.arrayContaining(['rds.os-patching', 'rds.engine-patching']));
  });

  it('keeps the one kind a question names, or the thing it asks about', () => {
    expect(ask('OS patching for RDS — whose job is it?').verdict).toBe('aws');
    expect(ask('who patches the postgres engine on RDS?').cells[0]).toBe('rds.engine-patching');
  });
});

describe('situations: a phrase that names the asked action yields to the situation stated', () => {
  it('answers from "imported" when the asker also says how they expect it to be renewed', () => {
    const a = ask('the wildcard cert we imported into ACM last year: I assume auto renewal covers it. who renews it?');
    expect(a.verdict).toBe('customer');
  });

  it('still answers from the renewal condition when no other situation is stated', () => {
    expect(ask('does ACM auto renew the certificates it issued for our ALB?').verdict).not.toBe('customer');
  });
});

describe('situations: being on the defaults is a situation', () => {
  it('answers from the condition that describes the default when the asker says they kept it', () => {
    const a = ask('our sqs queue was created with all defaults: who manages the key that encrypts it?');
    expect(a.cells[0]).toBe('sqs.key-management');
    expect(a.verdict).toBe('aws');
    expect(a.text).toMatch(/the default/);
  });
});
