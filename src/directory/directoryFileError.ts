/** One thing wrong with a directory file: where in the document, and a sentence saying what to fix. */
export interface DirectoryProblem {
  /** The place in the document, e.g. `organizations[2].tenantId`; empty for the file as a whole. */
  readonly path: string;
  /** A full sentence that names the path, says what is wrong and what to do. */
  readonly message: string;
}

const CORRECT_THE_FILE = 'Correct the file; the bot reads it at start and again whenever it changes.';

/** Problems listed in full; beyond this an admin fixes the first ones and reloads anyway. */
const LISTED_PROBLEMS = 20;

/** A directory file cannot be used. The message names the file and every problem found. */
export class DirectoryFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: readonly DirectoryProblem[],
    nextStep: string = CORRECT_THE_FILE,
  ) {
    super(describe(file, problems, nextStep));
    this.name = 'DirectoryFileError';
  }
}

function describe(file: string, problems: readonly DirectoryProblem[], nextStep: string): string {
  const first = problems[0];
  if (problems.length === 1 && first !== undefined) {
    return `The directory file "${file}" cannot be used: ${first.message} ${nextStep}`;
  }
  const listed = problems.slice(0, LISTED_PROBLEMS).map((problem) => `  - ${problem.message}`);
  const unlisted = problems.length - listed.length;
  if (unlisted > 0) listed.push(`  - …and ${unlisted} more ${unlisted === 1 ? 'problem' : 'problems'}.`);
  return [`The directory file "${file}" has ${problems.length} problems:`, ...listed, nextStep].join('\n');
}
