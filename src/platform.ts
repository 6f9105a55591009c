/** The surfaces a question arrives from; stored with every logged question and claim. */
export type Platform = 'slack' | 'teams' | 'cli';
