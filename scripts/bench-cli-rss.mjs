// Preloaded by scripts/bench-cli.ts into each measured process: its peak RSS (KB) at exit, into EB_RSS_FILE.
import { writeFileSync } from 'node:fs';
import process from 'node:process';

process.on('exit', () => {
  if (process.env.EB_RSS_FILE) writeFileSync(process.env.EB_RSS_FILE, String(process.resourceUsage().maxRSS));
});
