import { escalateOption, type RenderOptions } from '../renderAnswer';

/** Whether answers in a workspace (`slack:T…`) carry "Ask the security team": its curators' channel, else ESCALATION_CHANNEL. */
export type Escalates = (workspace: string | undefined) => Promise<boolean>;

/**
 * The "Ask the security team" option of a reply's rendering, for the workspace it is in. The
 * read starts here, so it runs while the answer is made, and the post and its phrased update
 * show the same buttons. A failed read surfaces when the answer is rendered, not before it as
 * an unhandled rejection.
 */
export function escalateFor(escalates: Escalates | undefined, workspace: string | undefined, question: string): Promise<Pick<RenderOptions, 'escalate'>> {
  const option = (escalates ? escalates(workspace) : Promise.resolve(false)).then((on) => escalateOption(on, question));
  option.catch(() => undefined);
  return option;
}
