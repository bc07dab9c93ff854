/**
 * The cloud side for one model size class, matched from the references by metric: client-side API
 * TTFT (ttft_s_median) against local TTFT, per-user output speed against local decode, API prices
 * per Mtok (input and output apart). A group is summarised by its median and spread, never by its
 * best figure; figures that do not match (concurrency, vendor claims, audit) are context with the reason.
 */
import { isDecisive } from '../references/load.ts';
import { sizeClass, type SizeClass } from '../references/local.ts';
import type { Figure } from '../references/schema.ts';
import { numericValue, priceValue } from '../references/value.ts';
import { median } from '../stats/index.ts';

export interface Spread {
  n: number;
  median: number;
  lo: number;
  hi: number;
  figures: Figure[];
}

export interface ContextFigure {
  figure: Figure;
  why: string;
}

export function spreadOf(items: readonly { f: Figure; v: number }[]): Spread | null {
  if (items.length === 0) return null;
  const v = items.map((x) => x.v);
  return { n: items.length, median: median(v), lo: Math.min(...v), hi: Math.max(...v), figures: items.map((x) => x.f) };
}

const VENDOR = new Set(['vendor-claim', 'vendor-spec']);

/** Why a figure of the right metric and size may not decide (null: it may). */
function excluded(f: Figure): string | null {
  if (!isDecisive(f)) return `audit: ${f.audit} (context only)`;
  if (VENDOR.has(f.evidence_kind)) return `${f.evidence_kind}: a vendor claim never decides alone`;
  if (f.conditions.batch !== 'single' && f.conditions.batch !== 'per-user')
    return `concurrency: ${f.conditions.batch_or_concurrency ?? f.conditions.batch} (local runs are single-stream)`;
  return null;
}

function collect(
  figures: readonly Figure[],
  size: SizeClass,
  pick: (f: Figure) => number | null,
): { spread: Spread | null; context: ContextFigure[] } {
  const used: { f: Figure; v: number }[] = [];
  const context: ContextFigure[] = [];
  for (const f of figures) {
    if (sizeClass(f.model_params_b) !== size) continue;
    const v = pick(f);
    if (v === null) continue;
    const why = excluded(f);
    if (why) context.push({ figure: f, why });
    else used.push({ f, v });
  }
  return { spread: spreadOf(used), context };
}

/** Client-side API TTFT in ms (published in seconds; includes network, TLS, queueing and prefill). */
export function cloudTtft(figures: readonly Figure[], size: SizeClass): { spread: Spread | null; context: ContextFigure[] } {
  return collect(figures, size, (f) => {
    const v = f.metric === 'ttft_s_median' && f.category === 'cloud-gpu' ? numericValue(f.value)?.value : undefined;
    return v === undefined ? null : v * 1000;
  });
}

/** Per-user output speed of hosted APIs (tokens/s), against single-stream local decode. */
export function cloudDecode(figures: readonly Figure[], size: SizeClass): { spread: Spread | null; context: ContextFigure[] } {
  // GPU clouds only: ASIC services (Groq, Cerebras) are C8's subject and would skew the group
  return collect(figures, size, (f) =>
    f.metric === 'output_tokens_per_s_per_user' && f.category === 'cloud-gpu' ? (numericValue(f.value)?.value ?? null) : null,
  );
}

export interface CloudPrices {
  input: Spread | null;
  output: Spread | null;
  context: ContextFigure[];
}

/** API list prices per Mtok for the size class; free tiers are context (rate-limited, other terms). */
export function cloudPrices(figures: readonly Figure[], size: SizeClass): CloudPrices {
  const inp: { f: Figure; v: number }[] = [];
  const out: { f: Figure; v: number }[] = [];
  const context: ContextFigure[] = [];
  for (const f of figures) {
    if ((f.metric !== 'api_price_per_mtok' && f.metric !== 'usd_per_million_tokens') || sizeClass(f.model_params_b) !== size) continue;
    const p = priceValue(f.value);
    if (!p) continue;
    if (!isDecisive(f)) context.push({ figure: f, why: `audit: ${f.audit} (context only)` });
    else if (p.input === 0 && p.output === 0) context.push({ figure: f, why: 'free tier (rate-limited, other data terms)' });
    else {
      inp.push({ f, v: p.input });
      out.push({ f, v: p.output });
    }
  }
  return { input: spreadOf(inp), output: spreadOf(out), context };
}
