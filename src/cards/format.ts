/** How dates read on cards: unambiguous for a team spread over time zones. */
export function formatWhen(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Radio buttons read best for a handful of options; a drop-down keeps long lists short. */
export function choiceStyleFor(count: number): 'expanded' | 'compact' {
  return count <= 6 ? 'expanded' : 'compact';
}
