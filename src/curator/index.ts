/** Curator tools: the matrix page, the gaps users ran into, and knowledge-base statistics. */
export { renderMatrixHtml, matrixContentSecurityPolicy } from './matrixHtml';
export { matrixCsvRoute, matrixRoute } from './matrixRoute';
export { matrixCsv, matrixExportRows, matrixMarkdown, type ExportRow } from './matrixExport';
export { matrixText } from './matrixText';
export { collectGaps, findGaps, LOW_CONFIDENCE, type GapGroup, type GapReport, type GapReason, type GapOptions } from './gaps';
export { formatGaps, formatGapsCsv, formatGapsJson, formatGapsTable, formatGapsText, gapLabel } from './gapsFormat';
export { knowledgeStats, type KbStats } from './stats';
export { formatStats, formatStatsTable } from './statsFormat';
export { parseSince } from './since';
export { escalationProposal, type ProposalInput } from './escalationProposal';
export { answeredByCurators, formatCuratorAnswersText, type CuratorAnswer } from './curatorAnswers';
export { phraseReport, curatedPhrases, routerParts, routerWithout, withoutPhrase, PHRASE_KINDS, type PhraseKind, type PhraseRef, type PhraseResult, type PhraseReport } from './phraseReport';
export { formatPhraseReport, formatPhraseReportJson, formatPhraseReportText, PHRASE_FORMATS, type PhraseFormat } from './phraseFormat';
