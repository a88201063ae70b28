import { TurnState } from './teamsAi';

/**
 * The bot keeps nothing in teams-ai's turn state: flows, links and conversation references live in
 * the state store, so that a restart or a second click sees the same truth.
 */
export type BotTurnState = TurnState;
