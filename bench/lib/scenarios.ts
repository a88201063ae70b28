import { actionExecute, messageActivity } from './activities';
import type { BenchUser } from './world';
import type { BenchPlan } from './worldFiles';

/**
 * Every measured request, and what makes its answer the right one. The users cycle, so consecutive
 * requests come from different people, as they would in a tenant.
 */

export type ScenarioName =
  | 'echo'
  | 'echo-invoke'
  | 'echo-card'
  | 'teams-ai-card'
  | 'teams-ai-invoke'
  | 'status'
  | 'setup-text'
  | 'flow.organization'
  | 'flow.subscription'
  | 'flow.confirm'
  | 'flow.confirm-compared';
/** baseline: the bare echo bot; diagnostic: bots answering with the product's cards but doing none of its work. */
export type Target = 'baseline' | 'diagnostic' | 'product';

export interface Scenario {
  readonly name: ScenarioName;
  readonly target: Target;
  /** Exactly what one request does, for the results and the README. */
  readonly what: string;
  /**
   * `reply`: a message turn, answered by one send to the Bot Connector (the HTTP answer is empty).
   * `answer`: an Action.Execute, answered in the HTTP response with the next card.
   */
  readonly answeredBy: 'reply' | 'answer';
  /** Text every right answer contains. */
  readonly marker: RegExp;
  /** Requests left, for requests that each use up a flow; undefined when unlimited. */
  remaining(): number | undefined;
  nextBody(): string;
}

export const PRODUCT_SCENARIOS: readonly ScenarioName[] = ['status', 'setup-text', 'flow.organization', 'flow.subscription', 'flow.confirm'];
export const BASELINE_SCENARIOS: readonly ScenarioName[] = ['echo', 'echo-invoke'];
export const DIAGNOSTIC_SCENARIOS: readonly ScenarioName[] = ['echo-card', 'teams-ai-card', 'teams-ai-invoke'];

export const SCENARIO_DESCRIPTIONS: Readonly<Record<ScenarioName, string>> = {
  echo: 'bare botbuilder CloudAdapter echo bot on restify: a message "hello" is answered with one send "Echo: hello" to the stand-in Bot Connector; the HTTP 200 follows that send',
  'echo-invoke': 'the same echo bot answering an Action.Execute (adaptiveCard/action) in the HTTP response with a one-line card: the floor for a card click',
  'echo-card':
    'diagnostic: the bare echo bot answering a message with the product\'s own status card (captured from the product), so the cost of sending a card that size is told apart from the product',
  'teams-ai-card':
    'diagnostic: teams-ai\'s Application on its TeamsAdapter, configured as the product\'s, answering "status" with the same captured status card; no billing, directory or state',
  'teams-ai-invoke':
    'diagnostic: the same teams-ai bot answering an Action.Execute with the product\'s captured confirmation card',
  status: 'the product: a user types "status"; the bot reads the directory (about ten organizations per user, some linked) and the links, renders the status card and sends it to the Bot Connector; no state write',
  'setup-text': 'the product: a user types "set up billing"; the bot lists the organizations with eligibility, writes a new flow to the state (one update, which also prunes old flows) and sends the organization picker card to the Bot Connector',
  'flow.organization': 'the product: Action.Execute flow.organization on the user\'s open set-up flow, picking their own unlinked organization: re-checks the flow and the caller, writes the choice (one update), answers with the subscription picker card (eligibility of about four subscriptions) in the HTTP response',
  'flow.subscription': 'the product: Action.Execute flow.subscription on the user\'s flow whose organization is picked, choosing their own pay-as-you-go subscription: re-checks everything, writes the choice (one update), answers with the confirmation card',
  'flow.confirm': 'the product: Action.Execute flow.confirm on a flow waiting for confirmation, each request a different flow and organization (set-ups of unlinked organizations alternating with changes of linked ones, as far as the world has them): re-checks everything, writes the link, the finished flow and an audit entry (one update), answers with the result card',
  'flow.confirm-compared':
    'another build of the product (--compareBuild, started from its own dist/ beside this one) answering the same flow.confirm requests on a state its own generator wrote, in the same block as this build\'s, so that the two are compared against the same echo runs',
};

export function createScenario(name: ScenarioName, plan: BenchPlan, serviceUrl: string): Scenario {
  const users = plan.users;
  const first = users[0];
  if (!first) throw new Error('The generated world has no users who can set up billing.');
  let turn = 0;
  const nextIndex = (): number => turn++ % users.length;
  const common = { name, what: SCENARIO_DESCRIPTIONS[name], remaining: () => undefined };
  const user = (i: number): BenchUser => users[i] ?? first;
  switch (name) {
    case 'echo':
      return { ...common, target: 'baseline', answeredBy: 'reply', marker: /Echo: hello/, nextBody: () => messageActivity(user(nextIndex()), 'hello', serviceUrl) };
    case 'echo-invoke':
      return {
        ...common,
        target: 'baseline',
        answeredBy: 'answer',
        marker: /Echo: flow\.confirm/,
        nextBody: () => actionExecute(user(nextIndex()), 'flow.confirm', { flowId: 'echo' }, serviceUrl),
      };
    case 'echo-card':
      return { ...common, target: 'diagnostic', answeredBy: 'reply', marker: /Billing status/, nextBody: () => messageActivity(user(nextIndex()), 'card', serviceUrl) };
    case 'teams-ai-card':
      return { ...common, target: 'diagnostic', answeredBy: 'reply', marker: /Billing status/, nextBody: () => messageActivity(user(nextIndex()), 'status', serviceUrl) };
    case 'teams-ai-invoke':
      return {
        ...common,
        target: 'diagnostic',
        answeredBy: 'answer',
        marker: /Step 3 of 3/,
        nextBody: () => actionExecute(user(nextIndex()), 'flow.subscription', { flowId: 'diagnostic' }, serviceUrl),
      };
    case 'status':
      return { ...common, target: 'product', answeredBy: 'reply', marker: /Billing status/, nextBody: () => messageActivity(user(nextIndex()), 'status', serviceUrl) };
    case 'setup-text':
      return { ...common, target: 'product', answeredBy: 'reply', marker: /Step 1 of 3/, nextBody: () => messageActivity(user(nextIndex()), 'set up billing', serviceUrl) };
    case 'flow.organization':
      return {
        ...common,
        target: 'product',
        answeredBy: 'answer',
        marker: /Step 2 of 3/,
        nextBody: () => {
          const i = nextIndex();
          const u = user(i);
          return actionExecute(u, 'flow.organization', { flowId: plan.organizationStepFlows[i], organizationId: u.organizationId }, serviceUrl);
        },
      };
    case 'flow.subscription':
      return {
        ...common,
        target: 'product',
        answeredBy: 'answer',
        marker: /Step 3 of 3/,
        nextBody: () => {
          const i = nextIndex();
          const u = user(i);
          return actionExecute(u, 'flow.subscription', { flowId: plan.subscriptionStepFlows[i], subscriptionId: u.subscriptionId }, serviceUrl);
        },
      };
    case 'flow.confirm':
    case 'flow.confirm-compared': {
      let used = 0;
      return {
        ...common,
        target: 'product',
        answeredBy: 'answer',
        marker: /Billing is set up|Billing changed/,
        remaining: () => plan.confirmable.length - used,
        nextBody: () => {
          const flow = plan.confirmable[used++];
          // Past the end the flow is unknown: the answer is a refusal, which the check counts as unexpected.
          if (!flow) return actionExecute(user(0), 'flow.confirm', { flowId: 'bench-used-up' }, serviceUrl);
          return actionExecute(flow.user, 'flow.confirm', { flowId: flow.flowId }, serviceUrl);
        },
      };
    }
  }
}
