import type { Caller } from '../../domain/caller';
import { ReadFailure, type DirectoryPort } from '../../domain/ports/directory';
import type { BillingLink } from '../../domain/model';
import type { DirectoryUser, Organization, RoleAssignment } from '../../domain/directory';
import { refusal, success, type Outcome } from '../../domain/outcome';
import type { TeamsAddresses } from '../../domain/ports/notifications';
import type { Store } from '../../domain/ports/store';
import { billingManagerIds, canAssignRoles, managerRolesOf, roleNotesOf } from '../managerRules';
import { singleManagerWarning, type ManagerView, type OrganizationManagers } from '../managerViews';
import { organizationAccess } from '../organizationAccess';
import { reachOf } from './reach';
import { isBillingManager } from '../roles';
import { directoryUserOf, unknownCaller } from '../serviceSupport';
import type { ManagerContext } from './managerContext';
import { linksFor, type LinkReader } from '../links/linkChecks';

/**
 * The billing managers of each organization the caller belongs to, or only of the one named (by id or
 * name). In a shared conversation, only what every member may see: who they are, not the subscription.
 */
export async function managersFor(context: ManagerContext, caller: Caller, only?: { readonly id?: string; readonly name?: string }): Promise<Outcome<OrganizationManagers[]>> {
  const directory = await context.directoryFor(caller);
  const user = await directoryUserOf(directory, caller);
  if (!user) return unknownCaller(caller);
  const links = await linksFor(context, caller);
  const all = await listManagers(directory, context.store, links, context.addresses, user, caller.shared === true);
  if (!only?.id && !only?.name) return success(all);
  const wanted = all.filter((o) => o.organization.id === only.id || o.organization.name.toLowerCase() === only.name?.toLowerCase());
  if (wanted.length === 0) {
    const what = only.name ? `an organization called "${only.name}"` : 'that organization';
    return refusal('organization-not-found', `You do not belong to ${what}. Type "managers" to see all of yours.`);
  }
  return success(wanted);
}

/**
 * Who manages billing of each organization the user belongs to. Every member sees who they are
 * (BILLING.md: "who manages it"); the subscription and whether the bot can reach each manager are
 * for project collection administrators and billing managers. In a shared conversation everyone
 * reads the answer, so it holds only the names and roles: no addresses, history or subscription.
 */
export async function listManagers(directory: DirectoryPort, store: Store, links: LinkReader, addresses: TeamsAddresses, user: DirectoryUser, shared = false): Promise<OrganizationManagers[]> {
  const organizations = await directory.organizationsOf(user.id);
  const lists = await Promise.all(organizations.map(async (org) => {
    const list = await managersOf(directory, store, links, addresses, org, user);
    return shared ? forEveryMember(list) : list;
  }));
  return lists.sort((a, b) => a.organization.name.localeCompare(b.organization.name));
}

async function managersOf(directory: DirectoryPort, store: Store, links: LinkReader, addresses: TeamsAddresses, org: Organization, user: DirectoryUser): Promise<OrganizationManagers> {
  const organization = { id: org.id, name: org.name };
  if (org.unreadable) return unreadable(organization, org.unreadable);
  // Where the link truly lives (Azure DevOps with DIRECTORY=azure), as `status` reads it.
  let link: BillingLink | undefined;
  try {
    link = await links(org);
  } catch (error) {
    if (error instanceof ReadFailure) return unreadable(organization, error.message);
    throw error;
  }
  if (!link) return { organization, linked: false, managers: [], canChange: false, warnings: [] };
  const [subscription, assignments] = await Promise.all([directory.getSubscription(link.subscriptionId), directory.roleAssignmentsOn(link.subscriptionId)]);
  const detailsVisible = organizationAccess(user.id, org) === 'project-collection-administrator' || isBillingManager(user.id, assignments);
  const recorded = new Map((await store.read((tx) => tx.managers.listOf(org.id))).map((m) => [m.principalId, m]));
  const people = await directory.getUsers(billingManagerIds(assignments));
  const managers = await Promise.all(people.map(async (person): Promise<ManagerView> => {
    const record = recorded.get(person.id);
    const byBot = record && record.subscriptionId === link.subscriptionId ? record : undefined;
    const addedBy = byBot ? await directory.getUser(byBot.addedBy) : undefined;
    return {
      person: { id: person.id, name: person.displayName },
      email: person.email,
      roles: managerRolesOf(person.id, assignments),
      ...notesOf(person.id, assignments),
      primary: person.id === link.linkedBy,
      ...(byBot ? { addedBy: { id: byBot.addedBy, name: addedBy?.displayName ?? 'a former user' }, addedAt: byBot.addedAt } : {}),
      ...(detailsVisible ? { reach: await store.read((tx) => reachOf(tx, addresses, person.id)) } : {}),
    };
  }));
  managers.sort((a, b) => Number(b.primary) - Number(a.primary) || a.person.name.localeCompare(b.person.name));
  const warnings: string[] = [];
  const only = managers[0];
  if (managers.length === 1 && only) warnings.push(singleManagerWarning(org.name, only.person.name));
  if (managers.length === 0) warnings.push(`Nobody holds Owner or Contributor on the subscription that pays for ${org.name}, so nobody can manage its billing. Ask an Owner of the subscription to grant a role.`);
  return {
    organization,
    linked: true,
    ...(detailsVisible ? { subscription: { id: link.subscriptionId, name: subscription?.displayName ?? `subscription ${link.subscriptionId}` } } : {}),
    managers,
    canChange: canAssignRoles(user.id, assignments),
    warnings,
  };
}

function notesOf(personId: string, assignments: readonly RoleAssignment[]): { roleNotes?: string[] } {
  const notes = roleNotesOf(personId, assignments);
  return notes.length > 0 ? { roleNotes: notes } : {};
}

/** One organization that cannot be read does not hide the others' managers. */
function unreadable(organization: { id: string; name: string }, why: string): OrganizationManagers {
  return { organization, linked: false, managers: [], canChange: false, warnings: [], unreadable: why };
}

function forEveryMember(list: OrganizationManagers): OrganizationManagers {
  return {
    organization: list.organization,
    linked: list.linked,
    ...(list.unreadable ? { unreadable: list.unreadable } : {}),
    managers: list.managers.map(({ person, roles, primary }) => ({ person, roles, primary })),
    // Adding or removing someone happens in the personal chat; the buttons would only be refused here.
    canChange: false,
    warnings: list.warnings,
  };
}
