import { normalizeText, stemToken } from '../text/normalize';

/** Normalised, plural-folded words of a text: the form every word comparison in the engine uses. */
export function words(text: string): string[] {
  return normalizeText(text).split(' ').filter(Boolean).map(stemToken);
}

export function stemmedSet(list: string): Set<string> {
  return new Set(list.split(/\s+/).filter(Boolean).map(stemToken));
}

/**
 * Words that say nothing about a situation or about which side does something: function words
 * and the vocabulary of every responsibility question ("who handles security on aws").
 */
export const QUESTION_FILLER = stemmedSet(
  `a an the is are am be to of in on for and or with who whos what whats which how do does did i me my we our us you
  your it its this that there their by as at from about can could should would will need have has if so any all
  than then them they was were been into via vs versus when where while not no only just also still use using used
  uses aws amazon customer customers service services data own owner responsible responsibility job handle handled
  handles manage managed managing management secure secures security`,
);
