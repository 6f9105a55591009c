import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { KnowledgeError } from '../../src/knowledge/errors';
import { defaultKnowledgeDir, loadKnowledge } from '../../src/knowledge/loader';
import { checkCourse } from '../../src/onboarding/checkCourse';
import { loadCourse } from '../../src/onboarding/course';
import { MAX_LESSON_WORDS } from '../../src/onboarding/schema';
import { capture } from '../helpers/cliIo';

describe('the shipped onboarding course', () => {
  const kb = loadKnowledge();
  const course = loadCourse(kb)!;

  it('has 4 to 6 lessons, each short enough for two minutes, cited and with a quiz', () => {
    expect(course.lessons.length).toBeGreaterThanOrEqual(4);
    expect(course.lessons.length).toBeLessThanOrEqual(6);
    for (const lesson of course.lessons) {
      expect(lesson.body.join(' ').split(/\s+/).length).toBeLessThanOrEqual(MAX_LESSON_WORDS);
      expect(lesson.citations.length).toBeGreaterThan(0);
      expect(lesson.questions.length).toBeGreaterThan(0);
    }
    expect(course.lessons.map((l) => l.number)).toEqual(course.lessons.map((_, i) => i + 1));
  });

  it('covers the topics of the issue in order: model, of, in, the line moving, data, nuance', () => {
    expect(course.lessons.map((l) => l.id)).toEqual(['the-model', 'of-the-cloud', 'in-the-cloud', 'the-line-moves', 'data-and-encryption', 'the-nuance']);
  });

  it('passes kb check: every quote is verbatim in the cited paragraph of the shipped lesson', () => {
    expect(checkCourse(kb, course)).toEqual([]);
    const quoted = course.lessons.flatMap((l) => l.citations.filter((c) => c.quote));
    expect(quoted.length).toBeGreaterThanOrEqual(6);
    for (const c of quoted) expect(c.source).toBe('course-srm-lesson');
  });

  it('is written in its own words: no lesson paragraph copies a sentence of the source', () => {
    const sentences = kb.sourceParagraphs.get('course-srm-lesson')!.flatMap((p) => p.split(/(?<=[.?!])\s+/)).filter((s) => s.split(' ').length >= 8);
    for (const lesson of course.lessons) {
      for (const paragraph of lesson.body) for (const sentence of sentences) expect(paragraph).not.toContain(sentence.trim());
    }
  });

  it('asks each quiz question once across the course', () => {
    const ids = course.lessons.flatMap((l) => l.questions.map((q) => q.id));
    expect(new Set(ids).size).toBe(ids.length);
    expect(course.questions.size).toBe(ids.length);
  });
});

describe('a broken course', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'course-'));
    cpSync(defaultKnowledgeDir(), dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (from: string | RegExp, to: string) => {
    const path = join(dir, 'onboarding.yaml');
    const text = readFileSync(path, 'utf8');
    const next = text.replace(from, to);
    expect(next).not.toBe(text);
    writeFileSync(path, next);
  };

  it('fails kb check when a quote is not verbatim, naming the file and the lesson', async () => {
    edit('quote: Both you and AWS are responsible for securing your AWS environment', 'quote: AWS alone is responsible for securing your AWS environment');
    const io = capture();
    expect(await main(['kb', 'check', '--dir', dir], io)).toBe(1);
    expect(io.stderr.join('\n')).toMatch(/onboarding\.yaml: lesson the-model: quote not found verbatim in course-srm-lesson paragraph 2/);
  });

  it('fails kb check for a quote from a web page or without a paragraph locator', async () => {
    edit(/- source: aws-srm\n {4}quiz: \[general.physical-security/, '- source: aws-srm\n        quote: AWS secures the cloud itself\n    quiz: [general.physical-security');
    edit('locator: paragraph 3\n', 'locator: the third paragraph\n');
    const io = capture();
    expect(await main(['kb', 'check', '--dir', dir], io)).toBe(1);
    const text = io.stderr.join('\n');
    expect(text).toMatch(/lesson the-model: quotes "aws-srm", which is not a shipped document/);
    expect(text).toMatch(/lesson of-the-cloud: a quote from course-srm-lesson needs a locator "paragraph N"/);
  });

  it('refuses to load a quiz on a "depends" cell or an unknown cell', () => {
    edit('quiz: [general.physical-security, ec2.os-patching]', 'quiz: [general.os-patching, ec2.no-such-area]');
    expect(() => loadCourse(loadKnowledge(dir), dir)).toThrow(KnowledgeError);
    try {
      loadCourse(loadKnowledge(dir), dir);
    } catch (err) {
      const problems = (err as KnowledgeError).problems.join('\n');
      expect(problems).toMatch(/lesson the-model: quiz general.os-patching cannot be asked: its owner is "depends"/);
      expect(problems).toMatch(/quiz ec2.no-such-area cannot be asked: cell ec2.no-such-area does not exist/);
    }
  });

  it('refuses a lesson without citations, a lesson too long to read in two minutes, and a duplicate question', () => {
    edit(/ {4}citations:\n {6}- source: course-srm-lesson\n {8}locator: paragraph 2\n[\s\S]*? {4}quiz: \[general.physical-security, ec2.os-patching\]/, '    citations: []\n    quiz: [general.physical-security, ec2.os-patching]');
    expect(() => loadCourse(loadKnowledge(dir), dir)).toThrow(/lessons\[0\] \(the-model\)\.citations: every lesson needs at least one citation/);
    edit('    citations: []\n', `    citations:\n      - source: aws-srm\n`);
    edit('      - To see the line side by side', `      - ${'word '.repeat(MAX_LESSON_WORDS)}\n      - To see the line side by side`);
    expect(() => loadCourse(loadKnowledge(dir), dir)).toThrow(/lessons\[3\] \(the-line-moves\)\.body: has \d+ words/);
    edit(`      - ${'word '.repeat(MAX_LESSON_WORDS)}\n`, '');
    edit('quiz: [general.compliance,', 'quiz: [ec2.os-patching,');
    expect(() => loadCourse(loadKnowledge(dir), dir)).toThrow(/quiz ec2.os-patching is already asked in lesson 1/);
  });

  it('kb check still passes on a knowledge folder without a course, and says so', async () => {
    rmSync(join(dir, 'onboarding.yaml'));
    const io = capture();
    expect(await main(['kb', 'check', '--dir', dir], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/no onboarding course/);
  });
});
