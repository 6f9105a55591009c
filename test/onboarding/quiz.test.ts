import { createRouter } from '../../src/engine/router';
import { loadKnowledge } from '../../src/knowledge/loader';
import { encodeAnswerValue, parseAnswerValue, parseLessonValue } from '../../src/onboarding/actions';
import { loadCourse } from '../../src/onboarding/course';
import { QUESTION_TEMPLATES } from '../../src/onboarding/questionTemplates';
import { generateQuiz, gradeAnswer, questionById, questionIdFor } from '../../src/onboarding/quiz';
import { gradeView, lessonView, quizView } from '../../src/onboarding/views';

const kb = loadKnowledge();
const course = loadCourse(kb)!;

describe('quiz questions generated from the matrix', () => {
  const quiz = generateQuiz(kb);

  it('has a question template for every responsibility area', () => {
    expect(Object.keys(QUESTION_TEMPLATES).sort()).toEqual([...kb.areas.keys()].sort());
  });

  it('asks every aws/customer/shared cell and never a "depends" cell; the answer key is the owner', () => {
    const askable = [...kb.cells.values()].filter((c) => c.owner !== 'depends');
    expect(quiz.map((q) => q.cellId).sort()).toEqual(askable.map((c) => c.id).sort());
    for (const q of quiz) {
      expect(q.answer).toBe(kb.cells.get(q.cellId)!.owner);
      expect(q.prompt).toMatch(/^Who .+\?$/);
      expect(q.prompt).not.toContain('{service}');
    }
  });

  it('asks the issue\'s example question with a stable id derived from the cell id', () => {
    const q = questionById(kb, 'q-ec2.os-patching')!;
    expect(q).toEqual({ id: 'q-ec2.os-patching', cellId: 'ec2.os-patching', prompt: 'Who patches the guest operating system on Amazon EC2?', answer: 'customer' });
    expect(questionIdFor('ec2.os-patching')).toBe(q.id);
    expect(generateQuiz(loadKnowledge()).map((x) => x.id)).toEqual(quiz.map((x) => x.id));
    expect(questionById(kb, 'q-general.os-patching')).toBeUndefined(); // depends
    expect(questionById(kb, 'ec2.os-patching')).toBeUndefined();
  });
});

describe('grading', () => {
  it('a right answer: the verdict, a one-line why and the cell\'s first citation, no full answer', () => {
    const grade = gradeAnswer(kb, 'q-ec2.os-patching', 'customer')!;
    expect(grade).toMatchObject({ correct: true, verdict: 'customer', verdictLabel: 'You', cellId: 'ec2.os-patching' });
    expect(grade.why).toBe(kb.cells.get('ec2.os-patching')!.summary);
    expect(grade.why).not.toMatch(/\n/);
    const first = kb.cells.get('ec2.os-patching')!.citations[0];
    expect(grade.citation).toMatchObject({ n: 1, id: first.source, url: expect.stringMatching(/^https:\/\//) });
    if (first.locator) expect(grade.citation!.locator).toBe(first.locator);
    expect(grade.fullAnswer).toBeUndefined();
  });

  it('a wrong answer: the right verdict and the cell\'s full answer, as the bot would give it', () => {
    const grade = gradeAnswer(kb, 'q-rds.os-patching', 'customer')!;
    expect(grade).toMatchObject({ correct: false, verdict: 'aws', verdictLabel: 'AWS' });
    expect(grade.fullAnswer).toMatchObject({ intent: 'lookup', verdict: 'aws', cells: ['rds.os-patching'], topic: { id: 'rds.os-patching' } });
    expect(grade.fullAnswer!.citations.length).toBe(kb.cells.get('rds.os-patching')!.citations.length);
    const view = gradeView(grade, true);
    expect(view.headline).toBe('Not quite: the answer is AWS.');
    expect(gradeView(gradeAnswer(kb, 'q-rds.engine-patching', 'shared')!, true).headline).toBe('Right: Both.');
  });

  it('grades every course question by the matrix, and the router gives the same verdict when asked', () => {
    const router = createRouter(kb);
    for (const q of course.questions.values()) {
      const owner = kb.cells.get(q.cellId)!.owner;
      for (const choice of ['aws', 'customer', 'shared'] as const) expect(gradeAnswer(kb, q.id, choice)!.correct).toBe(choice === owner);
      const asked = router.route({ text: q.prompt, platform: 'cli', userId: 'u', conversationId: 'c' });
      expect({ q: q.prompt, verdict: asked.verdict }).toEqual({ q: q.prompt, verdict: owner });
    }
  });

  it('does not grade ids that are not quiz questions', () => {
    expect(gradeAnswer(kb, 'q-no.such-cell', 'aws')).toBeUndefined();
    expect(gradeAnswer(kb, 'q-lambda.runtime-patching', 'aws')).toBeUndefined();
  });
});

describe('channel-neutral views and action values', () => {
  it('a lesson view has the title, paragraphs, numbered citations and quiz/next/stop actions', () => {
    const view = lessonView(kb, course, course.lessons[0]!);
    expect(view).toMatchObject({ kind: 'lesson', lessonNumber: 1, totalLessons: course.lessons.length, title: course.lessons[0]!.title });
    expect(view.paragraphs).toEqual(course.lessons[0]!.body);
    expect(view.citations.map((c) => c.n)).toEqual(view.citations.map((_, i) => i + 1));
    expect(view.quizAction).toEqual({ actionId: 'onboarding_quiz', label: 'Take the quiz', value: '1' });
    expect(view.nextAction).toEqual({ actionId: 'onboarding_next', label: 'Next lesson', value: '1' });
    expect(lessonView(kb, course, course.lessons.at(-1)!).nextAction).toBeUndefined();
  });

  it('a quiz view offers AWS / You / Both with values that parse back to the question', () => {
    const view = quizView(course, course.lessons[0]!);
    expect(view.questions[0]!.choices.map((c) => c.label)).toEqual(['AWS', 'You', 'Both']);
    for (const question of view.questions) {
      for (const choice of question.choices) {
        expect(parseAnswerValue(choice.value)).toEqual({ lesson: 1, questionId: question.questionId, choice: choice.choice });
      }
    }
  });

  it('rejects tampered or malformed action values', () => {
    expect(parseAnswerValue(encodeAnswerValue({ lesson: 2, questionId: 'q-ec2.host-os', choice: 'aws' }))).toEqual({ lesson: 2, questionId: 'q-ec2.host-os', choice: 'aws' });
    for (const bad of ['2|q-ec2.host-os|depends', '2|q-ec2.host-os', 'x|q-ec2.host-os|aws', '2|<script>|aws', 2, undefined, `2|q-${'a'.repeat(300)}.b|aws`]) {
      expect(parseAnswerValue(bad)).toBeUndefined();
    }
    expect(parseLessonValue('3')).toBe(3);
    for (const bad of ['0', '-1', '3.5', '', 'abc', 3]) expect(parseLessonValue(bad)).toBeUndefined();
  });
});
