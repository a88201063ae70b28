import { emptyNotificationState, withNotificationDefaults } from './notificationState';
import { quantitiesShapeProblem } from './quantitiesState';
import { unusableStateFile } from './stateFile';
import type { BotState } from './state';

/**
 * Keys the state gained after its first release (paid quantities, managers, notifications). A file
 * written before them lacks them and holds none; a file that has one malformed is refused like any
 * other malformed state, and left as it is.
 * @throws StateFileError naming the file when one of them is malformed.
 */
export function withAddedKeys(stateFile: string, loaded: Record<string, unknown>): BotState {
  for (const key of Object.keys(emptyNotificationState())) {
    const value = loaded[key];
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      throw unusableStateFile(stateFile, `has ${key} that is not an object (found ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`})`);
    }
  }
  const problem = quantitiesShapeProblem(loaded.quantities, loaded.purchases);
  if (problem !== undefined) throw unusableStateFile(stateFile, problem);
  const state = loaded as Partial<BotState> & Record<string, unknown>;
  return withNotificationDefaults({ ...state, quantities: state.quantities ?? {}, purchases: state.purchases ?? {} }) as BotState;
}
