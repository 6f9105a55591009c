import { z } from 'zod';
import { citationSchema } from '../knowledge/schema';

/**
 * knowledge/onboarding.yaml: the course sent to new engineers. Lessons are short enough to read
 * in two minutes; quizzes name cells, so the answer key is the matrix itself.
 */

/** About 200 words a minute: a lesson body stays readable in two minutes. */
export const MAX_LESSON_WORDS = 400;

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'ids are lowercase letters, digits and dashes');
const cellId = z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'a cell id is <service>.<area>');

export const lessonSchema = z
  .object({
    id,
    title: z.string().min(5).max(100),
    /** Paragraphs in plain text; renderers escape them for their platform. */
    body: z.array(z.string().min(20)).min(1).max(8),
    citations: z.array(citationSchema).min(1, 'every lesson needs at least one citation'),
    /** Cells whose owner is the answer to one quiz question each. */
    quiz: z.array(cellId).min(1).max(5),
  })
  .strict()
  .superRefine((lesson, ctx) => {
    const words = lesson.body.join(' ').split(/\s+/).filter(Boolean).length;
    if (words > MAX_LESSON_WORDS) {
      ctx.addIssue({ code: 'custom', message: `has ${words} words; keep a lesson under ${MAX_LESSON_WORDS} (two minutes of reading)`, path: ['body'] });
    }
  });
export type Lesson = z.infer<typeof lessonSchema>;

export const courseFileSchema = z
  .object({
    course: z.object({ title: z.string().min(5), intro: z.string().min(10) }).strict(),
    lessons: z.array(lessonSchema).min(4, 'the course has 4 to 6 lessons').max(6, 'the course has 4 to 6 lessons'),
  })
  .strict();
export type CourseFile = z.infer<typeof courseFileSchema>;
