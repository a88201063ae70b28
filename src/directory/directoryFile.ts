import { checkConsistency } from './directoryConsistency';
import { checkUsageConsistency } from './usageFields';
import { DirectoryFileError } from './directoryFileError';
import { ProblemList } from './documentFields';
import { readDirectoryShape } from './directorySchema';
import type { DirectoryFile } from '../domain/directory';

export { DirectoryFileError, type DirectoryProblem } from './directoryFileError';

/**
 * Reads the text of a local directory file (format in DESIGN.md). Fields the bot does not know,
 * such as notes for the people who edit the file, are allowed and left out of the result.
 * @throws DirectoryFileError naming the file and, for each problem, the path in the document.
 */
export function parseDirectoryFile(file: string, text: string): DirectoryFile {
  return validateDirectoryFile(file, parseJson(file, text));
}

/**
 * Checks an already parsed document and returns it typed.
 * @throws DirectoryFileError naming the file and, for each problem, the path in the document.
 */
export function validateDirectoryFile(file: string, content: unknown): DirectoryFile {
  const shape = readDirectoryShape(content);
  if (!shape.ok) throw new DirectoryFileError(file, shape.problems);
  const directory = shape.directory;
  const problems = new ProblemList();
  // References are checked only once every entry is well formed, so that one malformed entry is
  // reported once instead of again by everything that refers to it.
  checkConsistency(directory, problems);
  checkUsageConsistency(directory, problems);
  if (!problems.isEmpty) throw new DirectoryFileError(file, problems.items);
  return directory;
}

function parseJson(file: string, text: string): unknown {
  // Editors on Windows often save a byte order mark, which JSON.parse rejects.
  const json = text.startsWith('\uFEFF') ? text.slice(1) : text;
  try {
    return JSON.parse(json);
  } catch (error) {
    const reason = withLineAndColumn(json, error instanceof Error ? error.message : String(error));
    throw new DirectoryFileError(file, [{ path: '', message: `The file is not valid JSON: ${reason}.` }]);
  }
}

/**
 * Turns the "at position N" of a JSON.parse message into a line and column an editor can jump to,
 * counted here rather than taken from the message: Node 22 appends its own "(line L column C)",
 * Node 20 does not, and the user should read the same words on either.
 */
function withLineAndColumn(text: string, reason: string): string {
  const match = / at position (\d+)(?: \(line \d+ column \d+\))?$/.exec(reason);
  if (match === null) return reason;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${reason.slice(0, match.index)} at line ${line}, column ${column}`;
}

