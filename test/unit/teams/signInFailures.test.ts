import assert from 'node:assert/strict';
import { signInFailureMessage } from '../../../src/teams/signInFailures';

/** A failed sign-in names its cause and the next step, from the code Microsoft Entra ID gives. */
describe('Sign-in failures', () => {
  const cases: { name: string; details: string; says: RegExp }[] = [
    { name: 'consent missing', details: 'Token exchange failed: AADSTS65001: The user or administrator has not consented to use the application.', says: /not been given consent to act for you \(AADSTS65001\)\. Ask a Microsoft Entra administrator to grant consent/ },
    { name: 'admin consent required', details: 'AADSTS90094: The grant requires admin permission.', says: /consent .*\(AADSTS90094\)/ },
    { name: 'multi-factor authentication required', details: 'AADSTS50076: Due to a configuration change made by your administrator, you must use multi-factor authentication.', says: /conditional access policy .*\(AADSTS50076\).*complete what the sign-in page asks for/ },
    { name: 'blocked by conditional access', details: 'AADSTS53003: Access has been blocked by Conditional Access policies.', says: /conditional access policy .*\(AADSTS53003\).*ask your IT administrator which policy applies/ },
    { name: 'an account of another tenant', details: 'AADSTS50020: User account from identity provider does not exist in tenant.', says: /does not belong to this organization's Microsoft Entra tenant, and is not a guest in it \(AADSTS50020\)\. .*sign in with your work account of this tenant/ },
    { name: 'a guest not invited yet', details: 'aadsts90072: User account does not exist in tenant', says: /not a guest in it \(AADSTS90072\).*ask an administrator to invite your account/ },
    { name: 'not assigned to the app', details: 'AADSTS50105', says: /only assigned users .*\(AADSTS50105\)/ },
    { name: 'app not in the tenant', details: 'AADSTS700016: Application not found in the directory', says: /not registered in your Microsoft Entra tenant \(AADSTS700016\)/ },
    { name: 'an expired sign-in', details: 'AADSTS700082: The refresh token has expired due to inactivity.', says: /expired or was revoked \(AADSTS700082\)\. Type your command again/ },
    { name: 'a code not in the table', details: 'AADSTS12345: something new', says: /refused it with AADSTS12345\. .*give that code to your IT administrator/ },
    { name: 'no code at all', details: 'Authentication flow completed without a token.', says: /^Signing in did not complete, so nothing was done\. Type your command again to retry/ },
  ];
  for (const c of cases) {
    it(`${c.name}: ${c.says.source.slice(0, 40)}…`, () => {
      const message = signInFailureMessage(c.details);
      assert.match(message, c.says);
      assert.doesNotMatch(message, /third-party|OAuth policy/i);
    });
  }
});
