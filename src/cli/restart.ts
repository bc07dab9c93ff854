/**
 * Some runtimes read their environment once, when the process starts (libuv's pool size, read
 * before any user code runs): a runner that needs such a setting declares it (`startEnv`), and
 * `edgebench run`, `run --ab` and `serve --openai` restart themselves once with it before any work, so that a
 * user gets the fast setup without knowing about it. The restarted process is the one that works;
 * this one only forwards signals and returns its exit status.
 *
 * Never restarts: when the user set the variable themselves (their choice stands; the run's
 * RUNNER_SETUP warning says what it costs), when edgebench runs inside another program (tests,
 * scripts: only the `edgebench` executable restarts), or when already restarted.
 */
import { spawn } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { join } from 'node:path';
import { loadRunner } from '../runners/registry.ts';
import type { SuiteFile } from '../config/suite.ts';
import type { LoadOptions } from '../runners/types.ts';
import { PROJECT_ROOT } from '../version.ts';

/** Marks the restarted process (it watches its parent: see watchParentOfRestart). */
const RESTARTED = 'EDGEBENCH_RESTARTED';
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let isRestarted = false;

export interface RunnerUse {
  runner: string;
  ep: string;
  threads: number | null;
  settings: LoadOptions['settings'];
}

/** Every runner × EP × thread count a suite will load. */
export function usesOfSuite(suite: SuiteFile): RunnerUse[] {
  return suite.runners.flatMap((runner) =>
    suite.eps.flatMap((ep) =>
      suite.threads.map((t) => ({ runner, ep, threads: t === 'auto' ? null : t, settings: suite.runnerSettings[runner] ?? {} })),
    ),
  );
}

/** The variables the runners of `uses` need at start and this process lacks, with why (empty: none). */
export async function missingStartEnv(
  uses: readonly RunnerUse[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ env: Record<string, string>; why: string[] }> {
  const need: Record<string, string> = {};
  const why: string[] = [];
  for (const u of uses) {
    const runner = await loadRunner(u.runner);
    const wanted = runner.startEnv?.({ ep: u.ep, threads: u.threads, settings: u.settings });
    if (!wanted) continue;
    let added = false;
    for (const [k, v] of Object.entries(wanted.env)) {
      if (env[k] !== undefined || need[k] !== undefined) continue; // the user's own value stands
      need[k] = v;
      added = true;
    }
    if (added && !why.includes(wanted.why)) why.push(wanted.why);
  }
  return { env: need, why };
}

/** true when this process is the `edgebench` executable itself (not a test or script calling main). */
function isEdgebenchExecutable(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(join(PROJECT_ROOT, 'bin', 'edgebench.js'));
  } catch {
    return false;
  }
}

/**
 * Restarts this command with the start environment its runners need; resolves with the restarted
 * command's exit code, or null when no restart is needed (or possible) and the caller goes on.
 */
export async function restartForRunners(uses: readonly RunnerUse[], log: (m: string) => void): Promise<number | null> {
  if (isRestarted || !isEdgebenchExecutable()) return null; // isRestarted: watchParentOfRestart, first thing in main
  const missing = await missingStartEnv(uses);
  const names = Object.keys(missing.env);
  if (names.length === 0) return null;
  const shown = Object.entries(missing.env)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  log(`restarting with ${shown}: ${missing.why.join('; ')} (set ${names.join(', ')} yourself to choose otherwise)`);
  return runRestarted({ ...process.env, ...missing.env, [RESTARTED]: String(process.pid) });
}

/**
 * The child runs in its own process group, so a terminal's Ctrl-C reaches it once, forwarded from
 * here (in the same group it would get the terminal's signal and the forwarded one: two signals
 * mean "quit now"). Exits as it exits: same code, or the same signal.
 */
function runRestarted(env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
      env,
      stdio: 'inherit',
      detached: true,
    });
    const forward = (signal: NodeJS.Signals) => () => {
      child.kill(signal);
    };
    const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const release = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.on('error', (e) => {
      release();
      reject(e);
    });
    child.on('exit', (code, signal) => {
      release();
      if (signal) {
        process.kill(process.pid, signal); // end the way the child ended (no handler is left)
        return;
      }
      resolve(code ?? 1);
    });
  });
}

/**
 * In the restarted process: if the parent dies without forwarding anything (SIGKILL), end too,
 * at once, as the parent did — an orphan would go on writing into a folder the user believes
 * stopped. Finished cells are on disk (atomic files), as after any kill.
 */
export function watchParentOfRestart(): void {
  const parent = process.env[RESTARTED];
  if (parent === undefined) return;
  isRestarted = true;
  delete process.env[RESTARTED]; // programs this one starts are not restarts
  const timer = setInterval(() => {
    if (String(process.ppid) !== parent) process.kill(process.pid, 'SIGKILL');
  }, 250);
  timer.unref();
}
