import type { Caller } from '../../domain/caller';
import type { BillingLink, OrganizationQuantities } from '../../domain/model';
import { success, type Outcome } from '../../domain/outcome';
import { ReadFailure } from '../../domain/ports/directory';
import { directoryUserOf, unknownCaller } from '../serviceSupport';
import type { OrganizationStatus } from '../views';
import { linksFor } from './linkChecks';
import type { LinkContext } from './linkContext';
import { buildStatus } from './statusReport';

/** Billing of every organization the caller belongs to, as much of it as they may see. */
export async function status(context: LinkContext, caller: Caller): Promise<Outcome<OrganizationStatus[]>> {
  const directory = await context.directoryFor(caller);
  const user = await directoryUserOf(directory, caller);
  if (!user) return unknownCaller(caller);
  const shared = caller.shared === true;
  const organizations = await directory.organizationsOf(user.id);
  if (context.billingLinksFor) {
    const links = await linksFor(context, caller);
    const current: Record<string, BillingLink> = {};
    const unreadable: Record<string, string> = {};
    // Side by side: the directory bounds how many calls are under way at once.
    const reads = await Promise.all(organizations.map(async (organization) => {
      try {
        const link = await links(organization);
        if (link) current[organization.id] = link;
        return undefined;
      } catch (error) {
        if (!(error instanceof ReadFailure)) throw error;
        unreadable[organization.id] = error.message;
        return error;
      }
    }));
    const failures = reads.filter((r): r is ReadFailure => r !== undefined);
    // Every organization failing is the sign-in or the service, not one organization: that is the answer.
    if (failures.length > 0 && failures.length === organizations.length) throw failures[0];
    // Paid quantities live in Azure DevOps, which the bot does not read: it shows none rather than guess.
    return success(await buildStatus(directory, organizations, current, user, shared, undefined, unreadable));
  }
  const { links, quantities } = await context.store.read(async (tx) => {
    const found = { links: {} as Record<string, BillingLink>, quantities: {} as Record<string, OrganizationQuantities> };
    for (const organization of organizations) {
      const link = await tx.links.get(organization.id);
      if (!link) continue;
      found.links[organization.id] = link;
      const paid = await tx.quantities.get(organization.id);
      if (paid) found.quantities[organization.id] = paid;
    }
    return found;
  });
  return success(await buildStatus(directory, organizations, links, user, shared, quantities));
}
