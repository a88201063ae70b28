/**
 * The teams-ai classes the bot uses, loaded from their own modules rather than from the package's
 * index: the index also loads the AI planners, the OpenAI client, tokenizers and other parts the bot
 * never uses, about a third of a second and 25 MB at every start. teams-ai is pinned to one version,
 * and a test checks that these are the very classes its index exports, so an upgrade that moves them
 * fails there rather than at start.
 */
export { Application } from '@microsoft/teams-ai/lib/Application';
export { TeamsAdapter } from '@microsoft/teams-ai/lib/TeamsAdapter';
export { TurnState } from '@microsoft/teams-ai/lib/TurnState';
