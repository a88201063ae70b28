import type { UsersService } from '../billing/usersService';
import type { Caller } from '../domain/caller';
import { noticeCard } from '../cards/infoCards';
import { usersCard, usersConfirmCard, usersOrganizationPickerCard, usersResultCard } from '../cards/usersCards';
import { answer, textField, type ActionData, type Answer } from './actionAnswers';
import { personalChatOnly } from './replies';

type UsersActionHandler = (caller: Caller, data: ActionData, deps: { readonly users: UsersService }) => Promise<Answer>;

/** The page a "Previous" or "Next" button asks for; the templating engine may hand it over as text. */
function pageOf(data: ActionData): number {
  const page = typeof data.page === 'number' ? data.page : Number(textField(data, 'page'));
  return Number.isInteger(page) && page >= 0 ? page : 0;
}

/** The buttons of the `users` cards; the ticks of the list arrive with the click as "selected". */
export const USERS_ACTIONS = {
  'users.start': async (caller, _data, { users }) => (caller.shared ? personalChatOnly('users') : answer(await users.start(caller), usersOrganizationPickerCard)),
  'users.organization': async (caller, data, { users }) => {
    const organizationId = textField(data, 'organizationId');
    if (!organizationId) return 'Pick an organization first.';
    return answer(await users.chooseOrganization(caller, textField(data, 'flowId'), organizationId), usersCard);
  },
  'users.page': async (caller, data, { users }) => answer(await users.page(caller, textField(data, 'flowId'), pageOf(data), data), usersCard),
  'users.review': async (caller, data, { users }) =>
    answer(await users.review(caller, textField(data, 'flowId'), data), (next) => (next.kind === 'invalid' ? usersCard(next.overview) : usersConfirmCard(next.review))),
  'users.back': async (caller, data, { users }) => answer(await users.back(caller, textField(data, 'flowId')), usersCard),
  'users.confirm': async (caller, data, { users }) => answer(await users.confirm(caller, textField(data, 'flowId')), usersResultCard),
  'users.cancel': async (caller, data, { users }) =>
    answer(await users.cancel(caller, textField(data, 'flowId')), () => noticeCard('Closed', 'Nothing was changed. Type "users" to see the users again.')),
} satisfies Record<string, UsersActionHandler>;
