/** "60 USD", "1,234.50 USD": whole amounts without cents, so estimates do not look more exact than they are. */
export function formatUsd(cents: number): string {
  const whole = cents % 100 === 0;
  const amount = (cents / 100).toLocaleString('en-US', { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
  return `${amount} USD`;
}

/** "12.34 EUR": an amount from the bill, in its own currency, to the cent as billed. */
export function formatAmount(amount: number, currency: string): string {
  const text = amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return currency === '' ? text : `${text} ${currency}`;
}
