import { confirmManager } from './managers/confirmManager';
import { managerContext, type ManagerContext, type ManagerDeps } from './managers/managerContext';
import { cancelManagerFlow, chooseManagerOrganization, choosePerson, chooseRole, filterPeople, searchPeople, startManagerFlow } from './managers/managerFlow';
import { managersFor } from './managers/managerList';
import { useCaseGroup, type UseCaseGroup } from './useCaseGroup';

export { MANAGER_COMMAND, MAX_PEOPLE_SHOWN, type ManagerCommand } from './managers/managerContext';

/** The billing-manager use cases (BILLING.md: backup billing managers); each lives in its own module under managers/. */
const MANAGER_USE_CASES = {
  managers: managersFor,
  start: startManagerFlow,
  chooseOrganization: chooseManagerOrganization,
  filterPeople,
  searchPeople,
  choosePerson,
  chooseRole,
  confirm: confirmManager,
  cancel: cancelManagerFlow,
};

export type ManagerService = UseCaseGroup<ManagerContext, typeof MANAGER_USE_CASES>;

export function createManagerService(deps: ManagerDeps): ManagerService {
  return useCaseGroup(managerContext(deps), MANAGER_USE_CASES);
}
