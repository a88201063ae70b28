/** Radio buttons read best for a handful of options; a drop-down keeps long lists short. */
export function choiceStyleFor(count: number): 'expanded' | 'compact' {
  return count <= 6 ? 'expanded' : 'compact';
}

/**
 * What every organization picker shows besides its words: the organizations offered, how, which is
 * picked already (when there is only one), and the ones not offered under their heading.
 */
export function organizationChoiceFields<C extends { readonly value: string }, U>(choices: readonly C[], unavailable: readonly U[]) {
  return {
    choiceStyle: choiceStyleFor(choices.length),
    defaultChoice: choices.length === 1 ? (choices[0]?.value ?? '') : '',
    choices,
    unavailableHeading: choices.length > 0 ? 'Not available' : 'Your organizations',
    unavailable,
  };
}

/** An organization offered for a purchase or a look at its users, and who pays for it. */
export interface BilledOrganizationOption {
  readonly id: string;
  readonly name: string;
  readonly selectable: boolean;
  readonly reason?: string;
  readonly currentSubscription?: { readonly name: string };
}

/** The choices and the refusals of a picker of billed organizations, each named with who pays for it. */
export function billedOrganizationChoices(organizations: readonly BilledOrganizationOption[]) {
  const choices = organizations
    .filter((o) => o.selectable)
    .map((o) => ({ title: o.currentSubscription ? `${o.name} (paid by ${o.currentSubscription.name})` : `${o.name} (no billing yet)`, value: o.id }));
  const unavailable = organizations.filter((o) => !o.selectable).map((o) => ({ name: o.name, reason: o.reason ?? '' }));
  return { choices, unavailable };
}
