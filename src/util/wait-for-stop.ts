/**
 * Ctrl-C / SIGTERM handling shared by `run`, `run --ab` and `serve`: the first signal asks to stop
 * gracefully (finish the current request, keep what is written), a second one exits at once (130).
 */
export interface StopSignal {
  /** true once the first signal arrived */
  readonly requested: boolean;
  /** stop listening (the command is done) */
  release(): void;
}

export function listenForStop(onFirst: () => void, exitNowMessage: string): StopSignal {
  let requested = false;
  const handler = () => {
    if (requested) {
      process.stderr.write(`${exitNowMessage}\n`);
      process.exit(130);
    }
    requested = true;
    onFirst();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    get requested() {
      return requested;
    },
    release() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Blocks until the first signal, then closes gracefully (a second signal exits at once). */
export async function waitForStop(log: (m: string) => void, stoppingMessage: string, close: () => Promise<unknown>): Promise<void> {
  await new Promise<void>((resolve) => {
    listenForStop(() => {
      log(stoppingMessage);
      close().then(
        () => resolve(),
        () => resolve(),
      );
    }, 'stopping now');
  });
}
