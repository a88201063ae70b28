import type { ActualChargesAnswer, ActualChargesPort, ActualChargesRequest } from '../../domain/ports/actualCharges';
import { DirectoryFailure } from '../directoryFailure';
import { COST_MANAGEMENT } from './azureFailures';
import type { CostManagement } from './costManagement';
import { chargesOf, CostQueryShapeError, monthToDateQuery, organizationResourceId } from './costQuery';

/**
 * What Azure Cost Management says an organization's resource was charged this month, read as the
 * signed-in user. Not being allowed to read it, and Cost Management failing, are answers: `costs`
 * then shows its estimate and says why. A sign-in that Azure no longer accepts is thrown, so that
 * the user is asked to sign in again as for any other read.
 */
export class AzureActualCharges implements ActualChargesPort {
  constructor(private readonly costManagement: CostManagement) {}

  async monthToDate(request: ActualChargesRequest): Promise<ActualChargesAnswer> {
    const resourceId = organizationResourceId(request.subscriptionId, request.organization);
    try {
      const pages = await this.costManagement.query(request.subscriptionId, monthToDateQuery(resourceId, request.now), {
        doing: `read this month's costs of ${request.organization.name} in subscription ${request.subscriptionId}`,
        whenDenied: ownerCanGrant(request.subscriptionId),
      });
      return { kind: 'actual', charges: chargesOf(pages) };
    } catch (error) {
      if (error instanceof CostQueryShapeError) {
        return { kind: 'unavailable', message: `${error.message} I could not read ${request.organization.name}'s costs from it; try again later, and if it keeps happening, tell whoever runs this bot.` };
      }
      if (!(error instanceof DirectoryFailure)) throw error;
      if (error.code === 'sign-in-required' || error.code === 'wrong-account') throw error;
      if (error.code === 'access-denied' || error.code === 'wrong-tenant') return { kind: 'no-access', message: error.message };
      return { kind: 'unavailable', message: error.message };
    }
  }
}

/** Who can let the caller read the costs: Cost Management Reader is the least role that does. */
function ownerCanGrant(subscriptionId: string): string {
  return `Reading ${COST_MANAGEMENT} data needs Cost Management Reader (or Reader) on the subscription: an Owner or User Access Administrator of subscription ${subscriptionId} can give it to you in the Azure portal (the subscription's Access control (IAM), Add role assignment).`;
}
