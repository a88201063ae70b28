import type { Organization } from '../domain/directory';
import { ReadFailure } from '../domain/ports/directory';
import { named } from './serviceSupport';
import type { OrganizationOption } from './views';

/**
 * One picker option per organization, read side by side. One organization that cannot be read is
 * shown with why, and the others can still be picked; every one failing is the sign-in or the
 * service, not one organization, and then the first failure is the answer. Pickable ones come first.
 */
export async function optionsPerOrganization(
  organizations: readonly Organization[],
  optionOf: (organization: Organization) => Promise<OrganizationOption>,
): Promise<OrganizationOption[]> {
  const failures: ReadFailure[] = [];
  const options = await Promise.all(
    organizations.map(async (org): Promise<OrganizationOption> => {
      try {
        return await optionOf(org);
      } catch (error) {
        if (!(error instanceof ReadFailure)) throw error;
        failures.push(error);
        return { ...named(org), selectable: false, reason: `Could not read ${org.name}: ${error.message}` };
      }
    }),
  );
  if (failures.length > 0 && failures.length === organizations.length) throw failures[0];
  return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
}
