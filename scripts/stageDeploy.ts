/**
 * `npm run stage`: lays out in build/deploy what App Service runs (m365agents.yml, deploy): the
 * built bot (dist/src and the card templates it imports from dist/cards), the demo world and
 * package.json with its lockfile, so that `npm ci --omit=dev` there installs only what the bot
 * needs at run time. Tests, benchmarks, scripts and the sources stay out of the package.
 *
 * Usage: node dist/scripts/stageDeploy.js [target folder]   (default: build/deploy)
 */
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './lib/processes';

/** What the package holds, relative to the project root. */
/** The bot, its cards and demo world, and the state tool (`node dist/scripts/state.js`) that moves a state between stores. */
export const STAGED_ENTRIES = ['dist/src', 'dist/cards', 'dist/scripts/state.js', 'demo', 'package.json', 'package-lock.json'] as const;

/** Replaces `target` with a fresh copy of the staged entries of `root`; says what is missing if the build is. */
export function stageDeployment(root: string, target: string): void {
  const missing = STAGED_ENTRIES.filter((entry) => !existsSync(path.join(root, entry)));
  if (missing.length > 0) {
    throw new Error(`Cannot stage the deployment: ${missing.join(', ')} missing under ${root}. Run npm run build first.`);
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  for (const entry of STAGED_ENTRIES) {
    cpSync(path.join(root, entry), path.join(target, entry), { recursive: true });
  }
}

if (require.main === module) {
  const target = path.resolve(PROJECT_ROOT, process.argv[2] ?? path.join('build', 'deploy'));
  try {
    stageDeployment(PROJECT_ROOT, target);
    process.stdout.write(`Staged the deployment in ${target}.\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
