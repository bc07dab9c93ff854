/** The leaderboard as terminal text and Markdown (one table per comparable group). */
import { sig3 } from '../format/numbers.ts';
import { markdownTable, textTable } from '../format/tables.ts';
import type { Leaderboard, LeaderboardGroup } from './leaderboard.ts';

export function groupTitle(g: LeaderboardGroup): string {
  return `${g.model} ${g.dtype} ${g.shape} · ${g.runner}${g.synthetic ? ' · synthetic weights (speed-true, not quality-true)' : ' · real weights'}`;
}

function rows(lb: Leaderboard, g: LeaderboardGroup): string[][] {
  const unit = g.rows[0]?.unit ?? '';
  return [
    ['#', 'device', 'class', 'ep', 'threads', `${lb.query.metric} (${unit}) median [95 % CI]`, 'n', 'run', 'date', 'commit'],
    ...g.rows.map((r) => [
      String(r.rank),
      r.device,
      r.deviceClass,
      r.ep,
      r.threads === null ? 'auto' : String(r.threads),
      `${sig3(r.median)} [${sig3(r.ciLo)}, ${sig3(r.ciHi)}]${r.plausibility === 'ok' ? '' : ' IMPLAUSIBLE'}`,
      String(r.n),
      r.runId,
      r.createdAt.slice(0, 10),
      r.commit?.slice(0, 8) ?? '',
    ]),
  ];
}

function footer(lb: Leaderboard): string[] {
  const better = lb.direction === 'higher-is-better' ? 'higher is better' : 'lower is better';
  const out = [
    `${lb.query.metric}: ${better}; one row per device and runner setup (its latest run); rows rank only within a group of the same model, dtype, shape, runner and weights.`,
  ];
  if (lb.hiddenImplausible)
    out.push(`${lb.hiddenImplausible} IMPLAUSIBLE cells left out (beyond a physical limit); --include-implausible shows them.`);
  return out;
}

export function formatLeaderboardText(lb: Leaderboard): string {
  const parts = lb.groups.map(
    (g) => `${groupTitle(g)}\n${textTable(rows(lb, g))}${g.more ? `\n… and ${g.more} more devices (--limit)` : ''}`,
  );
  return [...parts, ...footer(lb)].join('\n\n');
}

export function formatLeaderboardMarkdown(lb: Leaderboard): string {
  const parts = lb.groups.map(
    (g) => `### ${groupTitle(g)}\n\n${markdownTable(rows(lb, g))}${g.more ? `\n\n… and ${g.more} more devices` : ''}`,
  );
  return [`## Leaderboard: ${lb.query.metric}`, ...parts, ...footer(lb)].join('\n\n');
}
