import type { DirectoryUser } from '../domain/directory';

/** People whose name or address contains `text` (any case), at most `max`: how a directory that lists everyone searches. */
export function peopleMatching(people: readonly DirectoryUser[], text: string, max: number): DirectoryUser[] {
  const wanted = text.trim().toLowerCase();
  return people.filter((p) => p.displayName.toLowerCase().includes(wanted) || p.email.toLowerCase().includes(wanted)).slice(0, max);
}
