import type { ActualChargesAnswer, ActualChargesPort, ActualChargesRequest } from '../../domain/ports/actualCharges';
import { DirectoryFailure } from '../directoryFailure';
import { COST_MANAGEMENT } from './azureFailures';
import type { CostManagement } from './costManagement';
import { chargesByResource, CostQueryShapeError, monthToDateQuery, organizationResourceId } from './costQuery';

/**
 * What Azure Cost Management says the organizations' resources were charged this month, one query
 * per paying subscription, read as the signed-in user. Not being allowed to read it, and Cost Management failing, are answers: `costs`
 * then shows its estimate and says why. A sign-in that Azure no longer accepts is thrown, so that
 * the user is asked to sign in again as for any other read.
 */
export class AzureActualCharges implements ActualChargesPort {
  constructor(private readonly costManagement: CostManagement) {}

  async monthToDate(request: ActualChargesRequest): Promise<ActualChargesAnswer> {
    const resources = request.organizations.map((organization) => ({ organization, resourceId: organizationResourceId(request.subscriptionId, organization) }));
    const names = request.organizations.map((o) => o.name).join(', ');
    try {
      const pages = await this.costManagement.query(request.subscriptionId, monthToDateQuery(resources.map((r) => r.resourceId), request.now), {
        doing: `read this month's costs of ${names} in subscription ${request.subscriptionId}`,
        whenDenied: ownerCanGrant(request.subscriptionId),
      });
      const byResource = chargesByResource(pages, resources.map((r) => r.resourceId));
      const none = { currency: '', meters: [], throughDay: 0 };
      return { kind: 'actual', byOrganization: new Map(resources.map((r) => [r.organization.id, byResource.get(r.resourceId.toLowerCase()) ?? none])) };
    } catch (error) {
      if (error instanceof CostQueryShapeError) {
        return { kind: 'unavailable', message: `${error.message} I could not read the costs of ${names} from it; try again later, and if it keeps happening, tell whoever runs this bot.` };
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
