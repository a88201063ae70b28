import { actionExecute, messageActivity } from './activities';
import type { BenchUser } from './world';
import type { BenchPlan } from './worldFiles';

/**
 * Every measured request, and what makes its answer the right one. The users cycle, so consecutive
 * requests come from different people, as they would in a tenant.
 */

/** The product's own turns, each measured beside its twin. */
export type ProductScenario =
  | 'status'
  | 'setup-text'
  | 'flow.organization'
  | 'flow.subscription'
  | 'flow.confirm'
  | 'buy'
  | 'managers'
  | 'users'
  | 'costs';

/**
 * A product turn's twin: a bare teams-ai bot answering the same kind of turn with the card the
 * product answered it with, captured from the product in the same block.
 */
export type TwinScenario = `twin:${ProductScenario}`;

export type ScenarioName = 'echo' | 'echo-invoke' | ProductScenario | 'flow.confirm-compared' | TwinScenario;

/** baseline: the bare echo bot; twin: the bare teams-ai bot answering with the product's cards; product: the product. */
export type Target = 'baseline' | 'twin' | 'product';

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
  /** The message text or card verb this turn sends: what the twin's captured card is filed under. */
  readonly trigger: string;
  /** Requests left, for requests that each use up a flow; undefined when unlimited. */
  remaining(): number | undefined;
  nextBody(): string;
}

/** In the order a block measures them: reads first, then the writes that grow the state. */
export const PRODUCT_SCENARIOS: readonly ProductScenario[] = [
  'status',
  'managers',
  'costs',
  'users',
  'buy',
  'flow.organization',
  'flow.subscription',
  'setup-text',
  'flow.confirm',
];
export const BASELINE_SCENARIOS: readonly ScenarioName[] = ['echo', 'echo-invoke'];

export function twinOf(scenario: ProductScenario): TwinScenario {
  return `twin:${scenario}`;
}

export function isTwin(name: ScenarioName): name is TwinScenario {
  return name.startsWith('twin:');
}

/** The product turn a twin stands beside; the name itself for every other run. */
export function productOf(name: ScenarioName): ScenarioName {
  return isTwin(name) ? (name.slice('twin:'.length) as ProductScenario) : name;
}

const PRODUCT_DESCRIPTIONS: Readonly<Record<ProductScenario, string>> = {
  status: 'the product: a user types "status"; the bot reads the directory (about ten organizations per user, some linked) and the links, renders the status card and sends it to the Bot Connector; no state write',
  managers: 'the product: a user types "managers"; the bot lists who manages billing of each of their organizations and whether it can reach them, and sends that card; no state write',
  costs: 'the product: a user types "costs"; the bot estimates this month\'s costs of each of their organizations by meter and per paying subscription, and sends that card; no state write',
  users: 'the product: a user types "users"; the bot lists the organizations whose users they may see, writes a new flow (one update) and sends the organization picker',
  buy: 'the product: a user types "buy"; the bot lists the organizations whose quantities they may change, writes a new flow (one update) and sends the organization picker',
  'setup-text': 'the product: a user types "set up billing"; the bot lists the organizations with eligibility, writes a new flow to the state (one update, which also prunes old flows) and sends the organization picker card to the Bot Connector',
  'flow.organization': 'the product: Action.Execute flow.organization on the user\'s open set-up flow, picking their own unlinked organization: re-checks the flow and the caller, writes the choice (one update), answers with the subscription picker card (eligibility of about four subscriptions) in the HTTP response',
  'flow.subscription': 'the product: Action.Execute flow.subscription on the user\'s flow whose organization is picked, choosing their own pay-as-you-go subscription: re-checks everything, writes the choice (one update), answers with the confirmation card',
  'flow.confirm': 'the product: Action.Execute flow.confirm on a flow waiting for confirmation, each request a different flow and organization (set-ups of unlinked organizations alternating with changes of linked ones, as far as the world has them): re-checks everything, writes the link, the finished flow, an audit entry and the notifications to its billing managers (one transaction), answers with the result card; the notifications are delivered in the background meanwhile',
};

const TWIN_DESCRIPTION = (scenario: ProductScenario): string =>
  `the twin of "${scenario}": a bare teams-ai Application on its TeamsAdapter and restify, configured as the product's, answering the same kind of turn (${scenario.startsWith('flow.') ? 'an Action.Execute, in the HTTP response' : 'a message, with one send to the Bot Connector'}) with the card the product answered it with, captured in the same block; no billing, directory or state`;

export const SCENARIO_DESCRIPTIONS: Readonly<Record<ScenarioName, string>> = {
  echo: 'bare botbuilder CloudAdapter echo bot on restify: a message "hello" is answered with one send "Echo: hello" to the stand-in Bot Connector; the HTTP 200 follows that send',
  'echo-invoke': 'the same echo bot answering an Action.Execute (adaptiveCard/action) in the HTTP response with a one-line card: the floor for a card click',
  ...PRODUCT_DESCRIPTIONS,
  ...(Object.fromEntries(PRODUCT_SCENARIOS.map((s) => [twinOf(s), TWIN_DESCRIPTION(s)])) as Record<TwinScenario, string>),
  'flow.confirm-compared':
    'another build of the product (--compareBuild, started from its own dist/ beside this one) answering the same flow.confirm requests on a state its own generator wrote, in the same block as this build\'s, so that the two are compared against the same echo runs',
};

/** Message turns: the text typed, and what the right card says. */
const MESSAGES: Readonly<Partial<Record<ProductScenario, { text: string; marker: RegExp }>>> = {
  status: { text: 'status', marker: /Billing status/ },
  managers: { text: 'managers', marker: /Billing managers/ },
  costs: { text: 'costs', marker: /forecast/i },
  users: { text: 'users', marker: /Users and what they cost/ },
  buy: { text: 'buy', marker: /Buy paid quantities/ },
  'setup-text': { text: 'set up billing', marker: /Step 1 of 3/ },
};

export function createScenario(name: ScenarioName, plan: BenchPlan, serviceUrl: string): Scenario {
  const users = plan.users;
  const first = users[0];
  if (!first) throw new Error('The generated world has no users who can set up billing.');
  let turn = 0;
  const nextIndex = (): number => turn++ % users.length;
  const user = (i: number): BenchUser => users[i] ?? first;
  if (name === 'echo') {
    return { name, what: SCENARIO_DESCRIPTIONS[name], remaining: () => undefined, target: 'baseline', answeredBy: 'reply', marker: /Echo: hello/, trigger: 'hello', nextBody: () => messageActivity(user(nextIndex()), 'hello', serviceUrl) };
  }
  if (name === 'echo-invoke') {
    return {
      name,
      what: SCENARIO_DESCRIPTIONS[name],
      remaining: () => undefined,
      target: 'baseline',
      answeredBy: 'answer',
      marker: /Echo: flow\.confirm/,
      trigger: 'flow.confirm',
      nextBody: () => actionExecute(user(nextIndex()), 'flow.confirm', { flowId: 'echo' }, serviceUrl),
    };
  }
  const product = productOf(name) as ProductScenario | 'flow.confirm-compared';
  const turnOf = product === 'flow.confirm-compared' ? 'flow.confirm' : product;
  const common = { name, what: SCENARIO_DESCRIPTIONS[name], target: isTwin(name) ? ('twin' as const) : ('product' as const), remaining: (): number | undefined => undefined };
  const message = MESSAGES[turnOf];
  if (message) return { ...common, answeredBy: 'reply', marker: message.marker, trigger: message.text, nextBody: () => messageActivity(user(nextIndex()), message.text, serviceUrl) };
  switch (turnOf) {
    case 'flow.organization':
      return {
        ...common,
        answeredBy: 'answer',
        marker: /Step 2 of 3/,
        trigger: turnOf,
        nextBody: () => {
          const i = nextIndex();
          const u = user(i);
          return actionExecute(u, turnOf, { flowId: plan.organizationStepFlows[i], organizationId: u.organizationId }, serviceUrl);
        },
      };
    case 'flow.subscription':
      return {
        ...common,
        answeredBy: 'answer',
        marker: /Step 3 of 3/,
        trigger: turnOf,
        nextBody: () => {
          const i = nextIndex();
          const u = user(i);
          return actionExecute(u, turnOf, { flowId: plan.subscriptionStepFlows[i], subscriptionId: u.subscriptionId }, serviceUrl);
        },
      };
    default: {
      const marker = /Billing is set up|Billing changed/;
      // The twin keeps nothing, so any flow id does; the product's each confirm a flow once.
      if (common.target === 'twin') return { ...common, answeredBy: 'answer', marker, trigger: 'flow.confirm', nextBody: () => actionExecute(user(nextIndex()), 'flow.confirm', { flowId: 'twin' }, serviceUrl) };
      let used = 0;
      return {
        ...common,
        answeredBy: 'answer',
        marker,
        trigger: 'flow.confirm',
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
