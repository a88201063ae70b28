import type { DirectoryUser, Organization, RoleAssignment, Subscription } from '../../domain/directory';
import type { ManagerFlowKind } from '../../domain/model';
import { refusal, success, type Outcome, type Problem } from '../../domain/outcome';
import type { DirectoryPort } from '../../domain/ports/directory';
import { additionProblem, billingManagerIds, grantorProblem, managerRolesOf, removalProblem, type GrantorContext } from '../managerRules';
import type { ManagerFlowView, ManagerOrganizationOption, ManagerPersonStep, PersonOption } from '../managerViews';
import { organizationAccess } from '../organizationAccess';
import { principalsWith, ROLE_GRANTING_ROLES } from '../roles';
import { named, namedUser } from '../serviceSupport';
import type { Named } from '../views';
import { MAX_PEOPLE_SHOWN, PEOPLE_SEARCHED } from './managerContext';
import type { LinkReader } from '../links/linkChecks';

/** The organization, its billing subscription and that subscription's role assignments, all fresh. */
export interface ManagerTarget {
  readonly organization: Organization;
  readonly subscription: Subscription;
  readonly assignments: RoleAssignment[];
}

export async function managerOrganizationOptions(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, kind: ManagerFlowKind): Promise<ManagerOrganizationOption[]> {
  const organizations = await directory.organizationsOf(user.id);
  const options = await Promise.all(organizations.map(async (org): Promise<ManagerOrganizationOption> => {
    const target = await managerTarget(directory, links, user, org.id, kind);
    return { ...named(org), selectable: target.ok, ...(target.ok ? {} : { reason: target.problem.message }) };
  }));
  return options.sort((a, b) => Number(b.selectable) - Number(a.selectable) || a.name.localeCompare(b.name));
}

/** The organization and its billing subscription, when `user` may change its managers; the link is read where it truly lives. */
export async function managerTarget(directory: DirectoryPort, links: LinkReader, user: DirectoryUser, organizationId: string, kind: ManagerFlowKind): Promise<Outcome<ManagerTarget>> {
  const organization = await directory.getOrganization(organizationId);
  if (!organization || organizationAccess(user.id, organization) === 'none') {
    return refusal('organization-not-found', 'That organization does not exist, or you cannot see it. Nothing was changed.');
  }
  const link = await links(organization);
  if (!link) {
    return refusal('not-linked', `Billing is not set up for ${organization.name}, so it has no billing managers yet. Type "set up billing" first.`);
  }
  const subscription = await directory.getSubscription(link.subscriptionId);
  if (!subscription) {
    return refusal('subscription-not-found', `The subscription that pays for ${organization.name} (${link.subscriptionId}) is not in the directory any more. Type "change billing" to move it to one that is.`);
  }
  const assignments = await directory.roleAssignmentsOn(subscription.id);
  const problem = grantorProblem(await grantorContext(directory, user, subscription, assignments), kind);
  if (problem) return { ok: false, problem };
  return success({ organization, subscription, assignments });
}

async function grantorContext(directory: DirectoryPort, user: DirectoryUser, subscription: Subscription, assignments: readonly RoleAssignment[]): Promise<GrantorContext> {
  const grantors = await directory.getUsers(principalsWith(assignments, ROLE_GRANTING_ROLES).filter((id) => id !== user.id));
  return { grantorId: user.id, subscription, assignments, grantorNames: grantors.map((g) => g.displayName) };
}

/** The person, when the rules let `user` add or remove them; the refusal otherwise. */
export async function personProblem(directory: DirectoryPort, user: DirectoryUser, target: ManagerTarget, kind: ManagerFlowKind, principalId: string): Promise<Outcome<DirectoryUser>> {
  const person = await directory.getUser(principalId);
  const context = await grantorContext(directory, user, target.subscription, target.assignments);
  const problem: Problem | undefined = kind === 'add'
    ? additionProblem({
        ...context,
        person,
        personTenant: person ? await directory.getTenant(person.tenantId) : undefined,
        subscriptionTenant: await directory.getTenant(target.subscription.tenantId),
      })
    : removalProblem({ ...context, person });
  if (problem || !person) return { ok: false, problem: problem ?? { code: 'person-not-found', message: 'That person is not in the directory.' } };
  return success(person);
}

/** `searchable`: people are searched as the user types, so the step lists only those found so far. */
export async function personStep(directory: DirectoryPort, flow: ManagerFlowView, target: ManagerTarget, user: DirectoryUser, filter: string, searchable = false): Promise<ManagerPersonStep> {
  const { organization, subscription, assignments } = target;
  const tenant = await directory.getTenant(subscription.tenantId);
  const managerIds = billingManagerIds(assignments);
  const matches = (p: DirectoryUser): boolean =>
    filter === '' || p.displayName.toLowerCase().includes(filter.toLowerCase()) || p.email.toLowerCase().includes(filter.toLowerCase());
  const option = (p: DirectoryUser): PersonOption => ({ ...namedUser(p), email: p.email, roles: managerRolesOf(p.id, assignments), ...(p.guest ? { guest: p.guest } : {}) });
  const base = { flow, organization: named(organization), subscription: namedSubscription(subscription), tenant: { id: subscription.tenantId, name: tenant?.displayName ?? subscription.tenantId }, filter };

  if (flow.kind === 'add') {
    // A search, so that a directory too large to list (a whole Entra tenant) still finds everyone.
    const matching = (await directory.searchUsersOfTenant(subscription.tenantId, filter, PEOPLE_SEARCHED)).filter((p) => !managerIds.includes(p.id));
    const current = await directory.getUsers(managerIds);
    // Only a directory that lists everyone can tell that nobody is left.
    const nobodyLeft = !searchable && (await directory.usersOfTenant(subscription.tenantId)).every((p) => managerIds.includes(p.id));
    return {
      ...base,
      people: matching.slice(0, MAX_PEOPLE_SHOWN).map(option),
      matching: matching.length,
      unavailable: current.map((p) => ({ name: p.displayName, reason: `Already a billing manager (${managerRolesOf(p.id, assignments).join(' and ')}).` })),
      ...(nobodyLeft ? { emptyReason: `Everyone in ${base.tenant.name} is already a billing manager of ${organization.name}.` } : {}),
      ...(searchable ? { searchable } : {}),
    };
  }
  const managers = (await directory.getUsers(managerIds)).sort((a, b) => a.displayName.localeCompare(b.displayName));
  if (managers.length <= 1) {
    return {
      ...base,
      people: [],
      matching: 0,
      unavailable: managers.map((p) => ({ name: p.displayName, reason: 'The only billing manager: removing them would leave billing with nobody to manage it.' })),
      emptyReason: `${organization.name} has only one billing manager. Add another one first ("add manager").`,
    };
  }
  const matching = managers.filter(matches);
  return {
    ...base,
    people: matching.slice(0, MAX_PEOPLE_SHOWN).map((p) => ({ ...option(p), name: p.id === user.id ? `${p.displayName} (you)` : p.displayName })),
    matching: matching.length,
    unavailable: [],
  };
}

export function namedSubscription(subscription: Subscription): Named {
  return { id: subscription.id, name: subscription.displayName };
}
