/**
 * The GitHub Actions workflow cannot run here, so it is validated: a zod schema of the workflow
 * syntax it uses (unknown keys are errors), and lint rules — every `${{ }}` names a known
 * context, every steps.<id> and matrix.<key> exists in its job, secrets reach commands only
 * through env, and every `npx edgebench …` line uses commands and flags the real CLI has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerCommands } from '../src/cli/commands.ts';

const FILE = join(import.meta.dirname, '../.github/workflows/edgebench.yml');

const Expr = z.union([z.string(), z.number(), z.boolean()]);
const Step = z
  .strictObject({
    name: z.string().optional(),
    id: z
      .string()
      .regex(/^[a-z][a-z0-9_-]*$/)
      .optional(),
    if: z.string().optional(),
    uses: z
      .string()
      .regex(/^[\w.-]+\/[\w./-]+@v\d+$/)
      .optional(),
    run: z.string().optional(),
    with: z.record(z.string(), Expr).optional(),
    env: z.record(z.string(), Expr).optional(),
    shell: z.enum(['bash', 'sh', 'pwsh']).optional(),
    'continue-on-error': z.boolean().optional(),
  })
  .refine((s) => (s.uses === undefined) !== (s.run === undefined), 'a step has exactly one of uses or run');
const Job = z.strictObject({
  if: z.string().optional(),
  'runs-on': z.string(),
  'timeout-minutes': z.number().int().positive(),
  strategy: z.strictObject({ 'fail-fast': z.boolean().optional(), matrix: z.record(z.string(), z.array(Expr)) }).optional(),
  env: z.record(z.string(), Expr).optional(),
  defaults: z.strictObject({ run: z.strictObject({ shell: z.enum(['bash', 'sh', 'pwsh']) }) }).optional(),
  steps: z.array(Step).min(1),
});
const Workflow = z.strictObject({
  name: z.string(),
  on: z.strictObject({
    push: z.strictObject({ branches: z.array(z.string()) }).optional(),
    pull_request: z.null().optional(),
    workflow_dispatch: z.null().optional(),
  }),
  permissions: z.record(z.string(), z.enum(['read', 'write', 'none'])),
  concurrency: z.strictObject({ group: z.string(), 'cancel-in-progress': z.boolean() }).optional(),
  env: z.record(z.string(), Expr).optional(),
  jobs: z.record(z.string(), Job),
});
type Workflow = z.infer<typeof Workflow>;

const CONTEXTS = new Set(['github', 'env', 'secrets', 'matrix', 'steps', 'runner', 'needs']);
const FUNCTIONS = new Set(['always', 'failure', 'success', 'cancelled', 'hashFiles', 'contains', 'startsWith', 'format']);

function expressions(v: unknown): string[] {
  if (typeof v === 'string') return [...v.matchAll(/\$\{\{(.*?)\}\}/gs)].map((m) => m[1]!.trim());
  if (Array.isArray(v)) return v.flatMap(expressions);
  if (v && typeof v === 'object') return Object.values(v).flatMap(expressions);
  return [];
}

function lint(wf: Workflow): string[] {
  const problems: string[] = [];
  for (const [name, job] of Object.entries(wf.jobs)) {
    const ids = new Set(job.steps.map((s) => s.id).filter(Boolean));
    const matrix = new Set(Object.keys(job.strategy?.matrix ?? {}));
    const check = (where: string, original: string) => {
      const expr = original.replace(/'[^']*'/g, "''"); // string literals name no context
      for (const m of expr.matchAll(/\b([A-Za-z_][\w-]*)(\.[\w-]+)?/g)) {
        const [, head, tail] = m;
        if (expr[m.index - 1] === '.' || /^(true|false|null)$/.test(head!)) continue;
        if (FUNCTIONS.has(head!)) continue;
        if (!CONTEXTS.has(head!)) problems.push(`${where}: unknown context '${head}' in \${{ ${original} }}`);
        if (head === 'steps' && tail && !ids.has(tail.slice(1))) problems.push(`${where}: no step id '${tail.slice(1)}'`);
        if (head === 'matrix' && tail && !matrix.has(tail.slice(1))) problems.push(`${where}: no matrix key '${tail.slice(1)}'`);
      }
    };
    for (const e of [...expressions(job.if ? `\${{ ${job.if} }}` : ''), ...expressions(job['runs-on']), ...expressions(job.env)])
      check(`jobs.${name}`, e);
    job.steps.forEach((s, i) => {
      const where = `jobs.${name}.steps[${i}]${s.name ? ` (${s.name})` : ''}`;
      for (const e of [...expressions(s.if ? `\${{ ${s.if} }}` : ''), ...expressions(s.with), ...expressions(s.env), ...expressions(s.run)])
        check(where, e);
      if (s.run && /secrets\./.test(s.run)) problems.push(`${where}: a secret inline in run: pass it through env`);
    });
  }
  return problems;
}

/** Each `npx edgebench <command> …` invocation in run scripts (continuation lines joined). */
function edgebenchCalls(wf: Workflow): { where: string; args: string[] }[] {
  const out: { where: string; args: string[] }[] = [];
  for (const [name, job] of Object.entries(wf.jobs)) {
    for (const s of job.steps) {
      if (!s.run) continue;
      for (const line of s.run.replace(/\\\n\s*/g, ' ').split('\n')) {
        const m = /npx edgebench (.*)$/.exec(line);
        if (m) out.push({ where: `jobs.${name} (${s.name ?? s.run.slice(0, 30)})`, args: m[1]!.split(/\s+/).filter(Boolean) });
      }
    }
  }
  return out;
}

describe('.github/workflows/edgebench.yml', async () => {
  const raw: unknown = parse(readFileSync(FILE, 'utf8'));
  const program = new Command('edgebench');
  await registerCommands(program, [], true);

  it('matches the workflow schema and passes the lint rules', () => {
    const r = Workflow.safeParse(raw);
    expect(r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
    expect(lint(r.data!)).toEqual([]);
  });

  it('the lint rules catch the mistakes they are for', () => {
    const wf = Workflow.parse(raw);
    const broken = structuredClone(wf);
    broken.jobs.fleet!.steps.push({
      name: 'x',
      run: 'echo ${{ secrets.EDGEBENCH_DB }} ${{ matrix.os }} ${{ steps.nope.outputs.a }} ${{ vars.X }}',
    });
    expect(lint(broken).sort()).toEqual(
      [
        "jobs.fleet.steps[9] (x): unknown context 'vars' in ${{ vars.X }}",
        "jobs.fleet.steps[9] (x): no matrix key 'os'",
        "jobs.fleet.steps[9] (x): no step id 'nope'",
        'jobs.fleet.steps[9] (x): a secret inline in run: pass it through env',
      ].sort(),
    );
    expect(
      Workflow.safeParse({ ...wf, jobs: { j: { 'runs-on': 'x', 'timeout-minutes': 1, steps: [{ run: 'a', uses: 'actions/x@v1' }] } } })
        .success,
    ).toBe(false);
  });

  it('the fleet job runs on several runner types, publishes from the secret and posts the history chart', () => {
    const job = Workflow.parse(raw).jobs.fleet!;
    expect(job.strategy?.matrix.runner).toEqual(expect.arrayContaining(['ubuntu-latest', 'macos-14', 'windows-latest']));
    expect(job.env?.EDGEBENCH_DB).toBe('${{ secrets.EDGEBENCH_DB }}');
    const runs = job.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toMatch(/npx edgebench publish .*--source ci/);
    expect(runs).toMatch(/npx edgebench history [\s\S]*--markdown results\/history\.md/);
    expect(runs).toContain('cat results/history.md >> "$GITHUB_STEP_SUMMARY"');
  });

  it('every edgebench command line uses a real command and real flags', () => {
    const calls = edgebenchCalls(Workflow.parse(raw));
    expect(calls.length).toBeGreaterThanOrEqual(6);
    for (const { where, args } of calls) {
      const cmd = program.commands.find((c) => c.name() === args[0]);
      expect(cmd, `${where}: edgebench ${args[0]}`).toBeDefined();
      const flags = new Set(cmd!.options.flatMap((o) => [o.long, o.short].filter(Boolean)));
      for (const a of args.slice(1).filter((x) => x.startsWith('--')))
        expect(flags.has(a.split('=')[0]!), `${where}: edgebench ${args[0]} ${a}`).toBe(true);
    }
  });
});
