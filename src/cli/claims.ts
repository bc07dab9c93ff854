/** `edgebench claims <run-dir…>`: the verdict table for the article's claims, in the terminal. */
import type { Command } from 'commander';
import { evaluateClaims, type ClaimResult } from '../claims/index.ts';
import { loadClaimsConfig } from '../claims/config.ts';
import { loadReferences } from '../references/load.ts';
import { openReportRuns } from '../report/report-run.ts';
import { addCostOptions, applyCostFlags, type CostFlags } from '../edge-cloud/options.ts';

interface ClaimsFlags extends CostFlags {
  devicePriceUsd?: string;
  claimsConfig?: string;
  references?: string;
  json?: boolean;
  verbose?: boolean;
}

function wrap(text: string, width: number, indent: string): string {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`)).join('\n');
}

export function formatClaimsTable(results: readonly ClaimResult[], verbose = false): string {
  const w = Math.max(...results.map((r) => r.verdict.length));
  const out: string[] = [];
  for (const r of results) {
    out.push(`${r.id.padEnd(4)} ${r.verdict.padEnd(w)}  ${r.claim}`);
    const pad = ' '.repeat(5 + w + 2);
    out.push(`${pad}${wrap(r.summary, 100, pad)}`);
    out.push(`${pad}decided by: ${wrap(r.decidedBy, 88, `${pad}  `)}`);
    if (r.decideCommand) out.push(`${pad}to decide it here: ${r.decideCommand}`);
    for (const m of r.missing) out.push(`${pad}missing: ${wrap(m, 92, `${pad}  `)}`);
    if (verbose) {
      out.push(`${pad}rule: ${wrap(r.rule, 94, `${pad}  `)}`);
      for (const e of r.evidence.local)
        out.push(
          `${pad}  [${e.role}] ${e.cellId} ${e.metric} ${e.median.toPrecision(4)} [${e.ci95.lo.toPrecision(4)}–${e.ci95.hi.toPrecision(4)}] ${e.unit} ${e.check ?? ''}`,
        );
      for (const e of r.evidence.references)
        out.push(`${pad}  [${e.role}] ${e.id}: ${e.value} (${e.evidence_kind}, ${e.audit}, ${e.source_date}) ${e.check ?? ''}`);
    }
  }
  return out.join('\n');
}

export function registerClaims(program: Command): void {
  const cmd = program
    .command('claims')
    .description("Judge the article's claims (C1..C10) against these results and the published figures; prints the verdict table")
    .argument('<run-dirs...>', 'results folders written by `edgebench run`')
    .option('--claims-config <file>', 'YAML file overriding claim thresholds')
    .option('--references <dir>', 'reference figures folder (default: the shipped references/)')
    .option('--json', 'print the verdicts with their evidence as JSON')
    .option('--verbose', 'also print each rule and its evidence')
    .option(
      '--device-price-usd <usd>',
      "the device's price for the edge cost (default: the one recorded with the run, else $1,200, labelled assumed)",
    );
  addCostOptions(cmd).action(async (runDirs: string[], flags: ClaimsFlags) => {
    const config = applyCostFlags(loadClaimsConfig(flags.claimsConfig), flags);
    const runs = await openReportRuns(runDirs);
    const refs = loadReferences(flags.references);
    const results = evaluateClaims(
      runs.flatMap((r) => r.localCells),
      refs.figures,
      config,
    );
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      return;
    }
    console.log(
      `claims judged with ${runs.map((r) => `${r.runId} (${r.device})`).join(', ')} and ${refs.figures.length} published figures`,
    );
    console.log(formatClaimsTable(results, flags.verbose ?? false));
  });
}
