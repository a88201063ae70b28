// Built once: `toLocaleString` with options builds a new Intl formatter on every call (a tenth of a `costs` turn).
const MONTH = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** Charges are metered daily and pro-rated: the share of a month's charge run up by the end of `now`'s day (UTC). */
export function monthProgress(now: Date): { readonly dayOfMonth: number; readonly daysInMonth: number; readonly month: string } {
  const daysInMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).getUTCDate();
  const month = MONTH.format(now);
  return { dayOfMonth: now.getUTCDate(), daysInMonth, month };
}

export function soFarCents(monthlyCents: number, dayOfMonth: number, daysInMonth: number): number {
  return Math.round((monthlyCents * dayOfMonth) / daysInMonth);
}
