import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type MessagingExtensionQuery,
  type MessagingExtensionResponse,
  type StatePropertyAccessor,
  type TaskModuleRequest,
  type TaskModuleResponse,
  TurnContext,
  type UserState,
} from 'botbuilder';
import type { Logger } from 'pino';
import type { Assistant } from '../../conversation/assistant';
import { answerFromCell, answerFromConcept } from '../../engine/build';
import type { SearchIndex } from '../../engine/search';
import type { Answer } from '../../engine/types';
import type { KnowledgeBase } from '../../knowledge/types';
import type { Metrics } from '../../metrics';
import type { Store } from '../../store/types';
import { resolveCommand, DEFAULT_COMMANDS, type TeamsCommand } from './commands';
import { saveReferenceIfAuthenticated } from './conversationReferences';
import { parseOnboardingCommand } from './onboarding/commands';
import { parseOnboardingData, type TeamsOnboarding } from './onboarding/teamsOnboarding';
import type { TeamsReplies } from './outbox/teamsReplies';
import { APOLOGY } from './turnError';
import { VERB_ASK, VERB_ESCALATE, VERB_ESCALATION_CLOSE, VERB_FEEDBACK, VERB_ONBOARDING, askDataSchema, escalateDataSchema, feedbackDataSchema } from './render/actions';
import type { TeamsEscalations } from './escalation';
import { renderSearchMessage, renderSearchResults } from './render/searchResults';
import { renderTeamsWelcome } from './render/welcomeCard';
import type { ServiceUrlPolicy } from './serviceUrls';
import { teamsWorkspace } from './tenant';
import { mentionsBot, questionText } from './text';
import { ASK_MESSAGE_COMMAND, messageActionTask, submitMessageAction } from './messageAction';

const SEARCH_RESULTS = 8;
const SEARCH_QUERY_MAX = 200;

export interface TeamsBotDeps {
  assistant: Assistant;
  store: Store;
  kb: KnowledgeBase;
  search: SearchIndex;
  logger: Logger;
  metrics: Metrics;
  userState: UserState;
  /** Set when requests are authenticated; conversation references are saved only then. */
  appId: string | undefined;
  policy: ServiceUrlPolicy;
  commands?: TeamsCommand[];
  /** The onboarding course; absent when the knowledge folder has none. */
  onboarding?: TeamsOnboarding;
  /** The reply outbox: answers, onboarding cards and notes are queued there and sent by its worker. */
  replies: TeamsReplies;
  /** "Ask whosecures" on a message (MESSAGE_ACTION_ENABLED); on unless false. */
  messageActions?: boolean;
  /** "Ask the security team" (TEAMS_ESCALATION_CHANNEL set). */
  escalations?: TeamsEscalations;
}

interface WelcomeState {
  welcomedAt?: string;
}

/**
 * The Teams bot: questions in personal chats, and in channels and group chats when mentioned;
 * card buttons (follow-ups, feedback); the search message extension; a welcome card once per
 * user. It translates Teams activities into neutral queries and renders answers; the assistant
 * does the rest.
 */
export class WhosecuresTeamsBot extends TeamsActivityHandler {
  private readonly welcome: StatePropertyAccessor<WelcomeState>;
  private readonly commands: TeamsCommand[];

  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.welcome = deps.userState.createProperty<WelcomeState>('welcome');
    this.commands = deps.commands ?? DEFAULT_COMMANDS;

    this.onMessage(async (context, next) => {
      await this.handleMessage(context);
      await next();
    });
    this.onMembersAdded(async (context, next) => {
      await this.handleMembersAdded(context);
      await next();
    });
    // A personal install also arrives as installationUpdate; the course's welcome claim makes the two one welcome.
    this.onInstallationUpdateAdd(async (context, next) => {
      await this.handleInstall(context);
      await next();
    });
  }

  /** First one wins across replicas and redeliveries; false means "already handled". */
  private claim(context: TurnContext): Promise<boolean> {
    return this.deps.replies.claim(context);
  }

  private async handleMessage(context: TurnContext): Promise<void> {
    const { activity } = context;
    await saveReferenceIfAuthenticated(context, this.deps);
    // Channels and group chats deliver only messages that mention the bot; check rather than assume.
    if (activity.conversation?.conversationType && activity.conversation.conversationType !== 'personal' && !mentionsBot(activity)) return;
    const text = questionText(activity);
    const { onboarding } = this.deps;
    if (!text && activity.value !== undefined) {
      // Action.Submit buttons arrive as a message carrying the card's data and no text.
      if (!(await this.claim(context))) return;
      const data = parseOnboardingData(activity.value);
      if (data && onboarding) await onboarding.act(context, data);
      return;
    }
    const course = onboarding && parseOnboardingCommand(text);
    if (course) {
      if (!(await this.claim(context))) return;
      return onboarding.command(context, course);
    }
    await this.ask(context, resolveCommand(text, this.commands).question);
  }

  /**
   * The question's claim and its answer job go into the outbox before the turn ends (so before
   * Teams gets its 200); the outbox worker answers it, paced per conversation, and the LLM's
   * phrasing (when one is configured) replaces that card later.
   */
  async ask(context: TurnContext, question: string): Promise<'queued' | 'held' | 'duplicate' | 'limited' | 'refused'> {
    // Typing first, so it never arrives after the answer (a redelivery gets one too, harmless).
    // Teams gets its 200 only once the admission below is written, so nothing is acknowledged
    // before the outbox has it.
    await context.sendActivity({ type: 'typing' }).catch((err: unknown) => this.deps.logger.debug({ err, event: 'teams_typing_failed' }, 'typing indicator not sent'));
    const outcome = await this.deps.replies.admitQuestion(context, question);
    // The store is away and the memory bound is reached: say so now rather than drop it.
    if (outcome === 'refused') await context.sendActivity(APOLOGY);
    return outcome;
  }

  private async handleMembersAdded(context: TurnContext): Promise<void> {
    const { activity } = context;
    const botAdded = (activity.membersAdded ?? []).some((m) => m.id === activity.recipient?.id);
    // Added to a team: its reference lets the bot post in the team's channels (the curators', the digest's).
    if (botAdded && activity.conversation?.conversationType === 'channel') await saveReferenceIfAuthenticated(context, this.deps);
    if (!botAdded || activity.conversation?.conversationType !== 'personal') return;
    await this.handleInstall(context);
  }

  /** A personal install: the onboarding welcome (lesson 1) when the course is on, else the plain welcome once. */
  private async handleInstall(context: TurnContext): Promise<void> {
    const { activity } = context;
    if (activity.conversation?.conversationType !== 'personal') return;
    if (!(await this.claim(context))) return;
    await saveReferenceIfAuthenticated(context, this.deps);
    if (this.deps.onboarding && (await this.deps.onboarding.welcome(context, activity.type ?? 'install'))) return;
    // Both install activities may reach this point; the flag in user state keeps it to one welcome.
    const state = await this.welcome.get(context, {});
    if (state.welcomedAt) return;
    await this.deps.replies.send(context, renderTeamsWelcome());
    await this.welcome.set(context, { welcomedAt: new Date().toISOString() });
    await this.deps.userState.saveChanges(context);
  }

  protected override async onAdaptiveCardInvoke(context: TurnContext, invokeValue: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const { verb, data } = invokeValue.action;
    if (verb === VERB_FEEDBACK) {
      const parsed = feedbackDataSchema.safeParse(data);
      if (!parsed.success) return badRequest('feedback data is invalid');
      const userId = context.activity.from?.aadObjectId ?? context.activity.from?.id ?? 'unknown';
      await this.deps.store.recordFeedback({
        answerId: parsed.data.answerId,
        platform: 'teams',
        userHash: this.deps.store.hashUserId('teams', userId),
        helpful: parsed.data.helpful,
        cells: parsed.data.cells,
        ...(teamsWorkspace(context.activity) ? { workspace: teamsWorkspace(context.activity)! } : {}),
        at: new Date(),
      });
      this.deps.logger.info({ event: 'feedback_recorded', platform: 'teams', answerId: parsed.data.answerId, helpful: parsed.data.helpful }, 'feedback recorded');
      return messageResponse(parsed.data.helpful ? 'Thanks, glad it helped.' : 'Thanks, the curators will review this answer.');
    }
    if (verb === VERB_ASK) {
      const parsed = askDataSchema.safeParse(data);
      if (!parsed.success) return badRequest('question is invalid');
      const outcome = await this.ask(context, parsed.data.question);
      if (outcome === 'duplicate') return messageResponse('Already answered.');
      return messageResponse(outcome === 'refused' ? APOLOGY : 'Answering in the conversation.');
    }
    const escalations = this.deps.escalations?.enabled ? this.deps.escalations : undefined;
    if (verb === VERB_ESCALATE && escalations) {
      const parsed = escalateDataSchema.safeParse(data);
      if (!parsed.success) return badRequest('escalation data is invalid');
      return messageResponse(await escalations.escalate(context, parsed.data));
    }
    if (verb === VERB_ESCALATION_CLOSE && escalations) return escalations.close(context, data);
    if (verb === VERB_ONBOARDING) {
      const parsed = parseOnboardingData(data);
      if (!parsed || !this.deps.onboarding) return badRequest('onboarding action is invalid');
      if (!(await this.claim(context))) return messageResponse('Already done.');
      return messageResponse(await this.deps.onboarding.act(context, parsed));
    }
    return badRequest(`unknown action: ${String(verb).slice(0, 50)}`);
  }

  protected override async handleTeamsMessagingExtensionQuery(_context: TurnContext, query: MessagingExtensionQuery): Promise<MessagingExtensionResponse> {
    const param = query.parameters?.find((p) => p.name !== 'initialRun');
    const text = typeof param?.value === 'string' ? param.value.trim().slice(0, SEARCH_QUERY_MAX) : '';
    if (!text) return renderSearchMessage('Type a service and a topic, for example "s3 encryption" or "rds patching".');
    const answers = this.searchAnswers(text);
    if (!answers.length) return renderSearchMessage('No answers match. Try a service name and a topic, for example "lambda runtime patching".');
    return renderSearchResults(answers);
  }

  protected override async handleTeamsMessagingExtensionFetchTask(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    if (this.deps.messageActions === false || action.commandId !== ASK_MESSAGE_COMMAND) return super.handleTeamsMessagingExtensionFetchTask(context, action);
    return messageActionTask(action);
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(context: TurnContext, action: MessagingExtensionAction): Promise<MessagingExtensionActionResponse> {
    if (this.deps.messageActions === false || action.commandId !== ASK_MESSAGE_COMMAND) return super.handleTeamsMessagingExtensionSubmitAction(context, action);
    return submitMessageAction(context, action, this.deps);
  }

  /** A curator's **Answer** on an escalation card (Action.Submit with msteams task/fetch). */
  protected override async handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    if (!this.deps.escalations?.enabled) return super.handleTeamsTaskModuleFetch(context, request);
    return this.deps.escalations.fetchTask(context, request);
  }

  /** The answer dialog's **Send**. */
  protected override async handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    if (!this.deps.escalations?.enabled) return super.handleTeamsTaskModuleSubmit(context, request);
    return this.deps.escalations.submitTask(context, request);
  }

  /** The knowledge-base answers matching a search, best first: the same answers a question would get. */
  searchAnswers(text: string): Answer[] {
    const { kb, search } = this.deps;
    const answers: Answer[] = [];
    for (const hit of search.search(text, SEARCH_RESULTS)) {
      const confidence = Math.min(0.95, Math.max(0.3, hit.score / 20));
      if (hit.kind === 'cell') {
        const cell = kb.cells.get(hit.id);
        if (cell) answers.push(answerFromCell(kb, cell, { confidence }));
      } else {
        const concept = kb.concepts.get(hit.id);
        if (concept) answers.push(answerFromConcept(kb, concept, confidence));
      }
    }
    return answers;
  }
}

function messageResponse(text: string): AdaptiveCardInvokeResponse {
  // Teams expects a plain string as the value of a message response; the SDK types it as an object.
  return { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text as unknown as Record<string, unknown> };
}

function badRequest(message: string): AdaptiveCardInvokeResponse {
  return { statusCode: 400, type: 'application/vnd.microsoft.error', value: { code: 'BadRequest', message } };
}
