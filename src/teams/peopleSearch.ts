import type { Application } from '@microsoft/teams-ai';
import type { ManagerService } from '../billing/managerService';
import { MAX_PEOPLE_SHOWN } from '../billing/managerService';
import { PEOPLE_DATASET_PREFIX, personChoiceTitle } from '../cards/managerCards';
import { DirectoryFailure } from '../directory/directoryFailure';
import type { CallerResolver } from './callers';
import { NO_ENTRA_IDENTITY } from './identity';
import type { BotTurnState } from './turnState';

export interface PeopleSearchDeps {
  readonly managers: ManagerService;
  readonly callers: CallerResolver;
}

/**
 * The typeahead of the billing-manager person picker: Teams sends what the user types as an
 * `application/search` invoke for the card's dataset (which names the flow), and shows the people
 * found. A search cannot show a sign-in itself, so a missing sign-in is asked for in the chat, and
 * a refusal (the flow expired, say) is told there too; the list stays empty meanwhile.
 */
export function registerPeopleSearch(app: Application<BotTurnState>, deps: PeopleSearchDeps): void {
  app.adaptiveCards.search(new RegExp(`^${PEOPLE_DATASET_PREFIX}`), async (context, state, query) => {
    const flowId = query.parameters.dataset.slice(PEOPLE_DATASET_PREFIX.length);
    const resolved = await deps.callers.resolve(context, state);
    if (!('caller' in resolved)) {
      if (resolved.answered === 'no-identity') await context.sendActivity(NO_ENTRA_IDENTITY);
      return [];
    }
    try {
      const found = await deps.managers.searchPeople(resolved.caller, flowId, query.parameters.queryText, Math.max(1, Math.min(query.count, MAX_PEOPLE_SHOWN)));
      if (!found.ok) {
        await context.sendActivity(found.problem.message);
        return [];
      }
      return found.value.map((person) => ({ title: personChoiceTitle(person, 'add'), value: person.id }));
    } catch (error) {
      if (!(error instanceof DirectoryFailure)) throw error;
      if (!(await deps.callers.signInAgain(context, state, error))) await context.sendActivity(error.message);
      return [];
    }
  });
}
