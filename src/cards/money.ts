/** "60 USD", "1,234.50 USD": whole amounts without cents, so estimates do not look more exact than they are. */
export function formatUsd(cents: number): string {
  const whole = cents % 100 === 0;
  const amount = (cents / 100).toLocaleString('en-US', { minimumFractionDigits: whole ? 0 : 2, maximumFractionDigits: 2 });
  return `${amount} USD`;
}
