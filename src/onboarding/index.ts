export { loadCourse, COURSE_FILE, type Course, type CourseLesson, type CourseQuestion } from './course';
export { checkCourse } from './checkCourse';
export { generateQuiz, gradeAnswer, questionById, questionIdFor, CHOICE_LABELS, QUIZ_CHOICES, type QuizChoice, type QuizGrade, type QuizQuestion } from './quiz';
export { workingDaySchedule, lessonDueBy, safeTimeZone, DEFAULT_LESSON_HOUR } from './schedule';
export { ONBOARDING_ACTIONS, parseAnswerValue, parseLessonValue, encodeAnswerValue } from './actions';
export * from './views';
export * from './service';
export { buildReport, reportCsv, reportTable } from './report';
