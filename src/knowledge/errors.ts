/** A knowledge base that cannot be loaded: names the file and the entry so a curator can fix it. */
export class KnowledgeError extends Error {
  readonly code = 'KB_INVALID';
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(`invalid knowledge base file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'KnowledgeError';
  }
}
