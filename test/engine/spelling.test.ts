import { loadKnowledge } from '../../src/knowledge/loader';
import { slips, Speller } from '../../src/engine/spelling';

const speller = new Speller(loadKnowledge());
const correct = (text: string) => speller.correct(text.split(' ')).join(' ');

describe('spelling: typing slips in the words of the knowledge base', () => {
  it('reads a slip as the knowledge-base word meant', () => {
    expect(correct('who does runtime pathces')).toBe('who does runtime patches');
    expect(correct('event histroy by default')).toBe('event history by default');
    expect(correct('is encrpytion at rest on')).toBe('is encryption at rest on');
  });

  it('never corrects an English word, a short word, or a word with a number in it', () => {
    expect(correct('paste the miner standup notes')).toBe('paste the miner standup notes');
    expect(correct('who owns tls')).toBe('who owns tls');
    expect(correct('t3large gp3x')).toBe('t3large gp3x');
  });

  it('counts a swapped pair of letters as one slip', () => {
    expect(slips('pathces', 'patches')).toBe(1);
    expect(slips('histroy', 'history')).toBe(1);
    expect(slips('kitten', 'sitting')).toBe(3);
  });

  it('reads the shorthand of the lexicon as what it stands for, before anything else', () => {
    expect(correct('the sg on the app tier allows rdp')).toBe('the security group on the app tier allows rdp');
    expect(correct('our serverless funcs ship as docker imgs')).toBe('our serverless functions ship as docker images');
  });
});
