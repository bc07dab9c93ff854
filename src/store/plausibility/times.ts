/**
 * Times that cannot be measurements: token times going backwards within a request (a clock or
 * recording bug), a decode of several tokens in zero time, or any time beyond a day.
 */
import { fmt, type PlausibilityRule } from './rule.ts';

export const ABSURD_MS = 24 * 3600 * 1000;

export const times: PlausibilityRule = {
  id: 'impossible-times',
  check({ cell }) {
    if (cell.loadMs !== null && cell.loadMs > ABSURD_MS) return `model load took ${fmt(cell.loadMs / 3.6e6)} h (more than a day)`;
    for (const r of cell.requests) {
      const t = r.tokenTimesMs;
      for (let i = 1; i < t.length; i++) {
        if (t[i]! < t[i - 1]!)
          return `request ${r.index}: token ${i + 1} at ${fmt(t[i]!)} ms comes before token ${i} at ${fmt(t[i - 1]!)} ms`;
      }
      const last = t[t.length - 1];
      if (last !== undefined && last > ABSURD_MS) return `request ${r.index}: ${fmt(last / 3.6e6)} h to generate (more than a day)`;
      if (r.phase === 'measured' && t.length >= 3 && t[t.length - 1] === t[0])
        return `request ${r.index}: ${t.length - 1} tokens decoded in 0 ms`;
    }
    return null;
  },
};
