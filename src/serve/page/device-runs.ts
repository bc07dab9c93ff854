/**
 * The devices of one `edgebench serve` session. Each device (one page that pressed Start) gets
 * its own run folder under the serve folder — run.json, cells/, device.json — so `analyze` and
 * `report` treat it as any other device, and one device failing or leaving never touches
 * another's files. Cells are validated against the device's plan and written atomically as they
 * arrive; a device that leaves, or falls silent for the timeout, is marked interrupted (its
 * posted cells are kept).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { SuiteFile } from '../../config/suite.ts';
import { expandMatrix } from '../../config/matrix.ts';
import { checkCellOnce, uploadDigest, type StoredCell } from './cell-once.ts';
import type { ResolvedModel } from '../../runners/types.ts';
import { analyzeCell } from '../../analyze/analyze-cell.ts';
import { analyzeRun } from '../../analyze/analyze-run.ts';
import { writeJsonAtomic } from '../../results/atomic-write.ts';
import { appendCell, createRunFolder, setRunStatus } from '../../results/io.ts';
import { SCHEMA_VERSION, type CellKey, type CellResult, type RunManifest, type RunStatus } from '../../results/schema.ts';
import { readPackageVersion } from '../../version.ts';
import { browserCellFacts, browserName, platformName, softwareAdapter, toEnvironment } from './browser-environment.ts';
import { HttpError } from './http-json.ts';
import { checkCellAgainstPlan, toCellRow } from './cell-checks.ts';
import type { CellRow, RegisterResponse } from './shared/protocol.ts';
import type { CellUpload, ProgressUpload, RegisterRequest } from './uploads.ts';
import { runnerIdFor } from '../../runners/registry.ts';
import type { DeviceClassName } from '../../edge-cloud/device-class.ts';

export const MAX_DEVICES = 100;

interface Device {
  id: string;
  folder: string;
  dir: string;
  label: string;
  req: RegisterRequest;
  plan: CellKey[];
  posted: Set<number>;
  /** what each posted cell was (a stored cell is final: see cell-once.ts) */
  stored: Map<number, StoredCell>;
  status: RunStatus;
  statusReason: string | null;
  registeredAt: string;
  lastSeen: number;
  lastPhase: string;
  /** the page finished or left: silence is expected now, and no later message revives the run */
  ended: boolean;
  /** file writes of this device, one after another */
  queue: Promise<unknown>;
}

export interface DeviceRunsOptions {
  /** the serve folder; device folders are created inside */
  root: string;
  suite: SuiteFile;
  model: ResolvedModel;
  ortWebVersion: string;
  argv: string[];
  timeoutMs: number;
  log(msg: string): void;
  now?: () => number;
  /** serve --device-class: the class of devices whose browser cannot tell (a device's own ?device-class= wins) */
  deviceClass?: DeviceClassName;
  /** after a device finished and its run was analysed (serve --db publishes it into the results store) */
  onRunEnded?: (dir: string) => Promise<void>;
}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);

export class DeviceRuns {
  private readonly devices = new Map<string, Device>();
  private readonly watchdog: NodeJS.Timeout;
  private readonly runIdBase: string;
  private joined = 0;

  constructor(private readonly o: DeviceRunsOptions) {
    this.runIdBase = o.root.split(/[\\/]/).filter(Boolean).pop() ?? 'serve';
    this.watchdog = setInterval(() => void this.checkSilent(), Math.max(200, Math.min(5000, o.timeoutMs / 2)));
    this.watchdog.unref();
  }

  private now(): number {
    return this.o.now ? this.o.now() : Date.now();
  }

  list(): readonly { id: string; dir: string; label: string; status: RunStatus; posted: number; planned: number }[] {
    return [...this.devices.values()].map((d) => ({
      id: d.id,
      dir: d.dir,
      label: d.label,
      status: d.status,
      posted: d.posted.size,
      planned: d.plan.length,
    }));
  }

  private get(id: string): Device {
    const d = /^[a-f0-9]{16}$/.test(id) ? this.devices.get(id) : undefined;
    if (!d)
      throw new HttpError(404, 'UNKNOWN_DEVICE', `no device '${id.slice(0, 40)}' in this session`, 'reload the page and press Start again');
    return d;
  }

  /** Run `fn` after this device's earlier writes; a failure is this request's alone. */
  private serial<T>(d: Device, fn: () => Promise<T>): Promise<T> {
    const next = d.queue.then(fn, fn);
    d.queue = next.catch(() => undefined);
    return next;
  }

  async register(req: RegisterRequest): Promise<RegisterResponse> {
    if (this.joined >= MAX_DEVICES)
      throw new HttpError(
        429,
        'TOO_MANY_DEVICES',
        `this session already has ${MAX_DEVICES} devices`,
        'restart edgebench serve for a new session',
      );
    // numbered before the first await: devices registering at the same moment get different folders
    const n = ++this.joined;
    const env = req.environment;
    const folder = `device-${String(n).padStart(2, '0')}-${slug(`${browserName(env)}-${platformName(env)}-${req.ep}`)}`;
    const dir = join(this.o.root, folder);
    const suite: SuiteFile = { ...this.o.suite, runners: [runnerIdFor('browser')], eps: [req.ep], threads: [req.threads ?? 'auto'] };
    const plan = expandMatrix(suite);
    const manifest: RunManifest = {
      schemaVersion: SCHEMA_VERSION,
      runId: `${this.runIdBase}-${folder}`,
      createdAt: new Date(this.now()).toISOString(),
      edgebenchVersion: readPackageVersion(),
      suite,
      seed: suite.seed,
      argv: this.o.argv,
      environment: toEnvironment(
        env,
        { 'onnxruntime-web': this.o.ortWebVersion, edgebench: readPackageVersion() },
        {
          ...(req.deviceClass && { page: req.deviceClass }),
          ...(this.o.deviceClass && { serve: this.o.deviceClass }),
        },
      ),
      status: 'running',
      clock: { source: 'performance.now', resolutionMs: env.clock.resolutionMs },
    };
    await createRunFolder(dir, manifest);
    const d: Device = {
      id: randomBytes(8).toString('hex'),
      folder,
      dir,
      label: `${folder.replace(/^device-/, '#')}`,
      req,
      plan,
      posted: new Set(),
      stored: new Map(),
      status: 'running',
      statusReason: null,
      registeredAt: manifest.createdAt,
      lastSeen: this.now(),
      lastPhase: '',
      ended: false,
      queue: Promise.resolve(),
    };
    this.devices.set(d.id, d);
    await this.writeDeviceJson(d);
    const gpu = env.webgpu
      ? `, WebGPU ${[env.webgpu.vendor, env.webgpu.architecture].filter(Boolean).join(' ')}${softwareAdapter(env) ? ' (software)' : ''}`
      : '';
    this.o.log(
      `[${d.label}] joined: ${browserName(env)} on ${platformName(env)}, ${req.ep}${req.epChoice === 'forced' ? ' (forced)' : ''}${gpu}, crossOriginIsolated=${env.crossOriginIsolated} → ${dir}`,
    );
    return { deviceId: d.id, runDir: dir, cells: plan.map((k, index) => ({ index, shape: k.shape })) };
  }

  private async writeDeviceJson(d: Device): Promise<void> {
    await writeJsonAtomic(join(d.dir, 'device.json'), {
      deviceId: d.id,
      registeredAt: d.registeredAt,
      lastSeenAt: new Date(d.lastSeen).toISOString(),
      status: d.status,
      statusReason: d.statusReason,
      ep: d.req.ep,
      epChoice: d.req.epChoice,
      threads: d.req.threads,
      cellsPosted: [...d.posted].sort((a, b) => a - b),
      cellsPlanned: d.plan.length,
      browser: d.req.environment,
    });
  }

  private async setStatus(d: Device, status: RunStatus, reason: string | null): Promise<void> {
    if (d.status === status && d.statusReason === reason) return;
    d.status = status;
    d.statusReason = reason;
    await setRunStatus(d.dir, status);
    await this.writeDeviceJson(d);
  }

  /** A device the watchdog marked interrupted that speaks again is running again. */
  private async seen(d: Device): Promise<void> {
    d.lastSeen = this.now();
    if (d.status === 'interrupted' && !d.ended) {
      this.o.log(`[${d.label}] is back`);
      await this.setStatus(d, 'running', null);
    }
  }

  async addCell(id: string, up: CellUpload): Promise<CellRow> {
    const d = this.get(id);
    const key = checkCellAgainstPlan(d.plan, d.req.ep, up);
    const digest = uploadDigest(up);
    return this.serial(d, async () => {
      const again = checkCellOnce(d.stored, up.index, digest, d.ended, d.label);
      if (again) return again;
      await this.seen(d);
      const cell = this.toCell(d, key, up);
      await appendCell(d.dir, cell);
      d.posted.add(up.index);
      await this.writeDeviceJson(d);
      const row = toCellRow(analyzeCell(cell, { seed: this.o.suite.seed, resamples: 1000 }));
      d.stored.set(up.index, { digest, row });
      const what =
        row.status === 'ok'
          ? `ttft ${row.ttftMs?.toFixed(1)} ms, decode ${row.decodeTokensPerS?.toFixed(1) ?? 'n/a'} tok/s (n=${row.measured})`
          : `${row.status}: ${row.error}`;
      this.o.log(`[${d.label}] cell ${up.index + 1}/${d.plan.length} ${key.shape.name}: ${what}`);
      return row;
    });
  }

  private toCell(d: Device, key: CellKey, up: CellUpload): CellResult {
    const info = this.o.model.info;
    const r = up.resolved;
    return {
      schemaVersion: SCHEMA_VERSION,
      index: up.index,
      key,
      status: up.status,
      ...(up.error ? { error: up.error } : {}),
      boundary: 'runtime-api',
      resolved: r
        ? {
            runner: runnerIdFor('browser'),
            executionProvider: r.executionProvider,
            dtype: this.o.model.source.dtype,
            threads: r.threads,
            settings: {
              ...r.settings,
              host: 'browser',
              softwareAdapter: r.executionProvider === 'webgpu' ? softwareAdapter(d.req.environment) : null,
            },
            fallback: r.fallback || r.executionProvider !== d.req.ep,
            versions: r.versions,
          }
        : null,
      model: up.status === 'unsupported' ? null : info,
      loadMs: up.loadMs,
      requests: up.requests,
      peakRssBytes: null,
      rssAfterLoadBytes: null,
      memoryBandwidthBytesPerS: null,
      startedAt: up.startedAt,
      endedAt: up.endedAt,
      extra: { ...(up.extra ?? {}), browser: browserCellFacts(d.req.environment), peakRssScope: 'not measurable in a browser' },
    };
  }

  async progress(id: string, p: ProgressUpload): Promise<void> {
    const d = this.get(id);
    await this.serial(d, () => this.seen(d));
    const phase = `${p.index}:${p.phase}`;
    if (phase !== d.lastPhase) {
      d.lastPhase = phase;
      const cell = p.index !== null ? d.plan[p.index] : undefined;
      this.o.log(
        `[${d.label}] ${cell ? `cell ${p.index! + 1}/${d.plan.length} ${cell.shape.name} ` : ''}${p.phase}${p.expected ? ` ${p.done}/${p.expected}` : ''}`,
      );
    }
  }

  /** The page says it is done: complete when every planned cell arrived, else interrupted. */
  async finish(id: string): Promise<{ status: RunStatus; missing: number[] }> {
    const d = this.get(id);
    return this.serial(d, async () => {
      d.lastSeen = this.now();
      d.ended = true;
      const missing = d.plan.map((_, i) => i).filter((i) => !d.posted.has(i));
      const status: RunStatus = missing.length === 0 ? 'complete' : 'interrupted';
      await this.setStatus(d, status, missing.length ? `finished with cells ${missing.join(', ')} missing` : null);
      await analyzeRun(d.dir);
      this.o.log(`[${d.label}] ${status}: ${d.posted.size}/${d.plan.length} cells → edgebench report ${d.dir}`);
      // a store that fails never fails the device: its run folder is complete and can be published later
      await this.o
        .onRunEnded?.(d.dir)
        .catch((e: unknown) => this.o.log(`[${d.label}] not published: ${(e as Error).message}; later: edgebench publish ${d.dir}`));
      return { status, missing };
    });
  }

  async leave(id: string, reason: string): Promise<void> {
    const d = this.get(id);
    d.ended = true;
    await this.serial(d, () => this.interrupt(d, `the page left: ${reason}`));
  }

  private async interrupt(d: Device, reason: string): Promise<void> {
    if (d.status !== 'running') return;
    await this.setStatus(d, 'interrupted', reason);
    this.o.log(`[${d.label}] interrupted (${reason}); ${d.posted.size}/${d.plan.length} cells kept in ${d.dir}`);
  }

  private async checkSilent(): Promise<void> {
    const now = this.now();
    for (const d of this.devices.values()) {
      if (d.status === 'running' && now - d.lastSeen > this.o.timeoutMs) {
        await this.serial(d, () =>
          this.interrupt(
            d,
            `no word from the page for ${Math.round((now - d.lastSeen) / 1000)} s (tab closed, device asleep or network lost)`,
          ),
        ).catch((e: unknown) => {
          this.o.log(`[${d.label}] could not mark the run interrupted: ${(e as Error).message}`);
        });
      }
    }
  }

  /** Server stopping: every device still running is marked interrupted; waits for pending writes. */
  async close(): Promise<void> {
    clearInterval(this.watchdog);
    for (const d of this.devices.values()) {
      await this.serial(d, () => this.interrupt(d, 'edgebench serve stopped')).catch(() => undefined);
    }
  }
}
