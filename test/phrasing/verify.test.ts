import { createRouter } from '../../src/engine/router';
import type { Answer } from '../../src/engine/types';
import { loadEvalQuestions } from '../../src/eval/evaluate';
import { loadKnowledge } from '../../src/knowledge/loader';
import { parseModelOutput } from '../../src/phrasing/parseOutput';
import { SYSTEM_INSTRUCTIONS } from '../../src/phrasing/prompt';
import { isPhrasable, subjectsOf } from '../../src/phrasing/subjects';
import { verifyPhrasing } from '../../src/phrasing/verify';

const kb = loadKnowledge();
const router = createRouter(kb);
const urls = new Set([...kb.sources.values()].map((s) => s.url));
const QUESTION = 'who patches the OS on EC2?';
const answer = router.route({ text: QUESTION, platform: 'cli', userId: 'u', conversationId: 'c' });
const GOOD = 'You patch the guest operating system of your EC2 instances [1]; AWS patches the host and the hypervisor [3].';

function verify(explanation: string, citations: number[] = [1], a: Answer = answer, question = QUESTION) {
  return verifyPhrasing({ output: { explanation, citations }, answer: a, subjects: subjectsOf(a, kb), question, knowledgeBaseUrls: urls, secrets: ['sk-secret-123456'] });
}

describe('verifyPhrasing', () => {
  test('accepts a grounded explanation, with control characters removed', () => {
    expect(verify(`${GOOD}\u200b`)).toEqual({ ok: true, text: GOOD });
  });

  test.each([
    ['too short', 'You do [1].', [1], 'too_short'],
    ['too long', `${GOOD} `.repeat(20), [1], 'too_long'],
    ['no citations', GOOD, [], 'no_citations'],
    ['cited id not given', GOOD, [1, 12], 'citation_not_given'],
    ['[n] marker not given', `${GOOD} See [7].`, [1], 'citation_not_given'],
    ['<!channel>', `${GOOD} <!channel>`, [1], 'mention'],
    ['<!here> with spaces', `${GOOD} < !here>`, [1], 'mention'],
    ['user mention', `${GOOD} Ask <@U0123ABC>.`, [1], 'mention'],
    ['@here', `${GOOD} @here`, [1], 'mention'],
    ['fullwidth @everyone', `${GOOD} \uff20everyone`, [1], 'mention'],
    ['Teams <at>', `${GOOD} <at>Admin</at>`, [1], 'mention'],
    ['encoded markup', `${GOOD} &lt;!channel&gt;`, [1], 'mention'],
    ['markdown link', `${GOOD} [docs](https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security.html)`, [1], 'mention'],
    ['invented URL', `${GOOD} http://evil.local/?q=secret`, [1], 'url_not_in_kb'],
    ['bare domain', `${GOOD} More at evil-example.com/x.`, [1], 'url_not_in_kb'],
    ['javascript scheme', `${GOOD} javascript:alert(1)`, [1], 'url_not_in_kb'],
    ['a KB URL with a path changed', `${GOOD} https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/other.html`, [1], 'url_not_in_kb'],
    ['the API key', `${GOOD} sk-secret-123456`, [1], 'secret'],
    ['recited instructions', `${GOOD} ${SYSTEM_INSTRUCTIONS.split('\n')[4]}`, [1], 'instructions_leaked'],
    ['contradiction', 'AWS patches the guest operating system of your EC2 instances for you [1].', [1], 'contradiction'],
  ])('rejects %s', (_name, text, citations, reason) => {
    const result = verify(text as string, citations as number[]);
    expect(result).toMatchObject({ ok: false, reason });
  });

  test('allows a knowledge-base URL and a knowledge-base host', () => {
    expect(verify(`${GOOD} See https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-security.html.`).ok).toBe(true);
    expect(verify(`${GOOD} The guide lives on docs.aws.amazon.com.`).ok).toBe(true);
  });

  test('the knowledge base own summaries, as a model would paraphrase them, pass for (almost) every eval question', () => {
    let tried = 0;
    const failures: string[] = [];
    for (const q of loadEvalQuestions()) {
      const a = router.route({ text: q.q, platform: 'cli', userId: 'u', conversationId: 'c', context: q.context });
      if (!isPhrasable(a)) continue;
      const subjects = subjectsOf(a, kb);
      const text = subjects
        .slice(0, 4)
        .map((s) => `${s.label}: ${s.summary} [${s.citationIds[0] ?? 1}]`)
        .join(' ');
      const result = verify(text.slice(0, 1150), [subjects[0].citationIds[0] ?? 1], a, q.q);
      tried++;
      if (!result.ok && result.reason === 'contradiction') failures.push(`${q.q} -> ${result.detail}`);
    }
    if (process.env.SHOW_FAILURES) console.log(failures.join("\n"));
    expect(tried).toBeGreaterThan(300);
    // A false alarm only costs the template answer; many would make the feature useless.
    expect(failures.length / tried).toBeLessThan(0.02);
  });
});

describe('parseModelOutput', () => {
  test.each([
    ['plain JSON', '{"explanation":"x","citations":[1,2]}', { explanation: 'x', citations: [1, 2] }],
    ['fenced with prose', 'Here:\n```json\n{"explanation":"a } b","citations":["[2]","2"]}\n```', { explanation: 'a } b', citations: [2] }],
  ])('reads %s', (_n, content, expected) => {
    expect(parseModelOutput(content)).toEqual({ ok: true, output: expected });
  });

  test.each([
    ['empty', '', 'empty'],
    ['no object', 'You patch it.', 'no_json_object'],
    ['broken JSON', '{"explanation": "x", "citations": [1', 'no_json_object'],
    ['invalid JSON', '{explanation: x}', 'invalid_json'],
    ['extra fields', '{"explanation":"x","citations":[1],"verdict":"aws"}', 'unexpected_shape'],
    ['missing citations', '{"explanation":"x"}', 'unexpected_shape'],
    ['citation that is a URL', '{"explanation":"x","citations":["http://evil"]}', 'unexpected_shape'],
  ])('rejects %s', (_n, content, reason) => {
    expect(parseModelOutput(content)).toEqual({ ok: false, reason });
  });
});
