/** Blocks until Ctrl-C/SIGTERM: the first one closes gracefully, a second one exits at once (130). */
export async function waitForStop(log: (m: string) => void, stoppingMessage: string, close: () => Promise<unknown>): Promise<void> {
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) {
        process.stderr.write('stopping now\n');
        process.exit(130);
      }
      stopping = true;
      log(stoppingMessage);
      close().then(() => resolve(), () => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
