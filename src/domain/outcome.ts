/**
 * Every way a billing request can be refused, as a value with a code and a message that says what to
 * do next. The Teams layer shows `message`; tests and logs use `code`.
 */
export type ProblemCode =
  | 'unknown-user'
  | 'flow-not-found'
  | 'flow-not-yours'
  | 'flow-expired'
  | 'flow-finished'
  | 'flow-cancelled'
  /** The owner started another flow of the same kind, which took this one's place. */
  | 'flow-replaced'
  /** One person started, or clicked, more than the per-minute limit allows. */
  | 'too-many-requests'
  | 'flow-out-of-order'
  /** A click from another conversation than the flow's own. */
  | 'flow-elsewhere'
  | 'organization-not-found'
  | 'not-a-member'
  | 'not-project-collection-administrator'
  | 'already-linked'
  | 'not-linked'
  | 'subscription-not-found'
  | 'subscription-not-eligible'
  | 'same-subscription'
  | 'missing-subscription-role'
  | 'confirmation-required'
  | 'nothing-to-choose'
  | 'quantities-changed'
  /** This deployment cannot do it (DIRECTORY=azure cannot buy paid quantities); the message says where to. */
  | 'not-available-here'
  | 'state-unavailable'
  /** Other instances kept changing the same records; nothing was changed, and trying again may work. */
  | 'state-busy'
  /** A billing link write was accepted but reading it back shows something else. */
  | 'billing-not-applied'
  | 'cannot-assign-roles'
  /** A user ticked to become a Stakeholder is no longer a paid user whose level can be changed. */
  | 'user-not-paid'
  | 'person-not-found'
  | 'person-in-other-tenant'
  | 'already-manager'
  | 'not-a-manager'
  | 'last-manager'
  | 'directory-refused';

export interface Problem {
  readonly code: ProblemCode;
  readonly message: string;
}

export type Outcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: Problem };

export function success<T>(value: T): Outcome<T> {
  return { ok: true, value };
}

export function refusal<T>(code: ProblemCode, message: string): Outcome<T> {
  return { ok: false, problem: { code, message } };
}

/**
 * Thrown inside a store transaction to refuse it: the store rolls the transaction back, and the use
 * case turns the problem into a refusal for the user.
 */
export class Refused extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'Refused';
  }
}
