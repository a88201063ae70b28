// Formatters are built once: `toLocaleString` with options builds a new Intl formatter on every call,
// which was a measurable part of a turn that prints a line per organization and meter.
const WHOLE = new Intl.NumberFormat('en-US', { minimumFractionDigits: 0, maximumFractionDigits: 2 });
const CENTS = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "60 USD", "1,234.50 USD": whole amounts without cents, so estimates do not look more exact than they are. */
export function formatUsd(cents: number): string {
  const whole = cents % 100 === 0;
  return `${(whole ? WHOLE : CENTS).format(cents / 100)} USD`;
}

/** "12.34 EUR": an amount from the bill, in its own currency, to the cent as billed. */
export function formatAmount(amount: number, currency: string): string {
  const text = CENTS.format(amount);
  return currency === '' ? text : `${text} ${currency}`;
}
