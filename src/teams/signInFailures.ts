/**
 * Why a sign-in failed, from the Microsoft Entra error code (AADSTS…) the token service passes on,
 * and what the user can do about it. Without a code the answer says so rather than guess.
 */
interface Cause {
  readonly codes: readonly number[];
  readonly explain: (code: string) => string;
}

const ASK_ADMIN_CONSENT =
  'Ask a Microsoft Entra administrator to grant consent for this bot (Entra admin center → Enterprise applications → the bot → Permissions → Grant admin consent), then type your command again.';

const CAUSES: readonly Cause[] = [
  {
    codes: [65001, 65004, 90094, 90099, 900941],
    explain: (code) => `Signing in did not complete: this bot has not been given consent to act for you (${code}). ${ASK_ADMIN_CONSENT}`,
  },
  {
    codes: [50076, 50079, 50074, 50158, 53000, 53001, 53002, 53003, 530003, 530032],
    explain: (code) =>
      `Signing in did not complete: a conditional access policy of your organization did not allow it (${code}), for instance multi-factor authentication, a compliant device or a trusted location. Type your command again and complete what the sign-in page asks for; if it blocks you, ask your IT administrator which policy applies.`,
  },
  {
    codes: [50020, 90072, 50177, 50034],
    explain: (code) =>
      `Signing in did not complete: the account you used does not belong to this organization's Microsoft Entra tenant, and is not a guest in it (${code}). Type your command again and sign in with your work account of this tenant; if you are a guest, ask an administrator to invite your account first.`,
  },
  {
    codes: [50105],
    explain: (code) => `Signing in did not complete: your organization allows only assigned users to use this bot, and you are not one (${code}). Ask a Microsoft Entra administrator to assign you to the bot's enterprise application.`,
  },
  {
    codes: [700016, 500011],
    explain: (code) =>
      `Signing in did not complete: this bot, or a service it signs in to, is not registered in your Microsoft Entra tenant (${code}). Ask whoever runs the bot to make its app registration available to your tenant; an administrator may need to grant consent once.`,
  },
  {
    codes: [70008, 70043, 700082, 50173, 50133],
    explain: (code) => `Signing in did not complete: your earlier sign-in has expired or was revoked (${code}). Type your command again and sign in once more.`,
  },
];

/** What to tell the user after a failed sign-in, given whatever text describes the failure. */
export function signInFailureMessage(details: string): string {
  const code = /AADSTS(\d+)/i.exec(details)?.[1];
  const cause = code ? CAUSES.find((c) => c.codes.includes(Number(code))) : undefined;
  if (code && cause) return cause.explain(`AADSTS${code}`);
  if (code) return `Signing in did not complete: Microsoft Entra ID refused it with AADSTS${code}. Type your command again to retry; if it keeps failing, give that code to your IT administrator.`;
  return 'Signing in did not complete, so nothing was done. Type your command again to retry; if the sign-in page shows an error, it names the reason (a code starting with AADSTS) to give your IT administrator.';
}
