import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { childOptions } from '../lib/child';

/**
 * A bench server (the `serve` option: productServer, the default, or teamsAiEcho, the product's twin)
 * under V8's sampling profiler (Node 20 refuses --cpu-prof in NODE_OPTIONS, and the benchmark forks
 * its processes with fixed flags). On `stop` the profile is written to the `profileDir` option as
 * <serve>-<pid>.cpuprofile before the server stops; it starts on the `profile` request.
 */
const options = childOptions();
const profileDir = String(options.profileDir ?? '.');
const serve = options.serve === 'teamsAiEcho' ? 'teamsAiEcho' : 'productServer';
const profiler = new Session();
profiler.connect();
profiler.post('Profiler.enable');
profiler.post('Profiler.setSamplingInterval', { interval: 200 });

// Registered before the server's own handler, so the profile is written before it exits.
process.on('message', (message: { readonly type?: string; readonly id?: number }) => {
  if (message.type === 'profile') {
    // Started only when the measured run starts, so that loading and warming up stay out of it.
    profiler.post('Profiler.start', () => process.send?.({ id: message.id }));
    return;
  }
  if (message.type !== 'stop') return;
  // An inspector connected in this thread answers synchronously.
  profiler.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(path.join(profileDir, `${serve}-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
});

// eslint-disable-next-line @typescript-eslint/no-require-imports
require(`./${serve}`);
