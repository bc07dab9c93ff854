import cliProgress from 'cli-progress';

/** A bytes-written progress bar on stderr for model builds (`{doneBytes, totalBytes}` events); silent when not a TTY. */
export function byteProgressBar(label: string): { onProgress: (p: { doneBytes: number; totalBytes: number }) => void; stop: () => void } {
  const mb = (n: number): string => (n / 1e6).toFixed(1);
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {doneMB}/{totalMB} MB | eta {eta}s`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let started = false;
  return {
    onProgress(p) {
      if (!bar) return;
      if (!started) {
        bar.start(p.totalBytes, 0, { doneMB: mb(0), totalMB: mb(p.totalBytes) });
        started = true;
      }
      bar.update(p.doneBytes, { doneMB: mb(p.doneBytes), totalMB: mb(p.totalBytes) });
    },
    stop() {
      if (started) bar?.stop();
      started = false;
    },
  };
}
