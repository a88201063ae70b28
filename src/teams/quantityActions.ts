import type { QuantitiesService } from '../billing/quantitiesService';
import type { Caller } from '../domain/caller';
import { subscriptionPickerCard } from '../cards/flowCards';
import { noticeCard } from '../cards/infoCards';
import { quantitiesCard, quantitiesConfirmCard, quantitiesOrganizationPickerCard, quantitiesResultCard } from '../cards/quantityCards';
import { answer, textField, type ActionData, type Answer } from './actionAnswers';
import { personalChatOnly } from './replies';

type QuantityActionHandler = (caller: Caller, data: ActionData, deps: { readonly quantities: QuantitiesService }) => Promise<Answer>;

/**
 * The buttons of the "buy" cards. The numbers typed on the quantities card arrive with the click,
 * as Input.Number leaves them (a number or a string, or nothing), and are read by the service.
 */
export const QUANTITY_ACTIONS = {
  start: async (caller, _data, { quantities }) =>
    caller.shared ? personalChatOnly('buy') : answer(await quantities.start(caller), quantitiesOrganizationPickerCard),
  chooseOrganization: async (caller, data, { quantities }) => {
    const organizationId = textField(data, 'organizationId');
    if (!organizationId) return 'Pick an organization first.';
    return answer(await quantities.chooseOrganization(caller, textField(data, 'flowId'), organizationId), quantitiesCard);
  },
  review: async (caller, data, { quantities }) => {
    const reviewed = await quantities.review(caller, textField(data, 'flowId'), data);
    return answer(reviewed, (next) => {
      switch (next.kind) {
        case 'invalid':
          return quantitiesCard(next.step);
        case 'confirm':
          return quantitiesConfirmCard(next.review);
        case 'setup':
          return subscriptionPickerCard(next.step);
      }
    });
  },
  edit: async (caller, data, { quantities }) => answer(await quantities.edit(caller, textField(data, 'flowId')), quantitiesCard),
  confirm: async (caller, data, { quantities }) => answer(await quantities.confirm(caller, textField(data, 'flowId')), quantitiesResultCard),
  cancel: async (caller, data, { quantities }) =>
    answer(await quantities.cancel(caller, textField(data, 'flowId')), () => noticeCard('Cancelled', 'Nothing was bought or changed.')),
} satisfies Record<string, QuantityActionHandler>;
