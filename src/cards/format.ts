/** Radio buttons read best for a handful of options; a drop-down keeps long lists short. */
export function choiceStyleFor(count: number): 'expanded' | 'compact' {
  return count <= 6 ? 'expanded' : 'compact';
}
