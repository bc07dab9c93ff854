/**
 * Per-cell peak RSS. On Linux the kernel's high-water mark (VmHWM) can be reset by writing "5"
 * to /proc/self/clear_refs, so each cell gets its own peak; elsewhere we sample RSS every 20 ms
 * (may miss short spikes: the source is recorded).
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface PeakRssTracker {
  readonly method: 'linux-vmhwm' | 'sampled-20ms';
  stop(): number;
}

function readVmHwmBytes(): number | null {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function startPeakRss(): PeakRssTracker {
  if (process.platform === 'linux') {
    try {
      writeFileSync('/proc/self/clear_refs', '5');
      if (readVmHwmBytes() !== null) {
        return { method: 'linux-vmhwm', stop: () => readVmHwmBytes() ?? process.memoryUsage.rss() };
      }
    } catch {
      // not permitted (some containers): fall through to sampling
    }
  }
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  timer.unref();
  return {
    method: 'sampled-20ms',
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}
