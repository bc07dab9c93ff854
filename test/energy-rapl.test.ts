/**
 * RAPL on fixture sysfs trees (test/fixtures/energy/powercap-*.json, built in a temp dir): zone discovery, headline domains,
 * counter wraparound at max_energy_range_uj while sampling live, a zone vanishing mid-recording,
 * and permission denied (root-only energy_uj) with the fix in the message.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { counterDelta, listRaplZones, probeRapl, raplHeadline } from '../src/probes/energy/rapl.ts';
import { buildPowercapTree } from './helpers/powercap-tree.ts';

/** Reads argv[1] and prints it, or prints ERR:<errno code> and exits 3 (no repo code, no loaders). */
const READ_AS_CHILD =
  "try { process.stdout.write(require('fs').readFileSync(process.argv[1], 'utf8')) } catch (e) { process.stdout.write('ERR:' + e.code); process.exit(3) }";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RAPL powercap source', () => {
  it('finds the zones of a server and a laptop tree and picks the headline domains', () => {
    const serverRoot = buildPowercapTree('powercap-server');
    const laptopRoot = buildPowercapTree('powercap-laptop');
    const server = listRaplZones(serverRoot);
    expect(server.map((z) => z.domain)).toEqual(['package-0', 'dram-0', 'package-1', 'dram-1']);
    expect(server[0]!.maxRangeUj).toBe(262143328850);
    expect(raplHeadline(server.map((z) => z.domain))).toEqual(['package-0', 'dram-0', 'package-1', 'dram-1']);
    const laptop = listRaplZones(laptopRoot);
    expect(laptop.map((z) => z.domain)).toEqual(['package-0', 'core-0', 'uncore-0', 'psys']);
    expect(raplHeadline(laptop.map((z) => z.domain))).toEqual(['psys']);
    rmSync(serverRoot, { recursive: true });
    rmSync(laptopRoot, { recursive: true });
  });

  it('computes counter deltas across a wrap and treats an unexplained step back as a reset', () => {
    expect(counterDelta(100, 250, 1000)).toBe(150);
    expect(counterDelta(900, 50, 1000)).toBe(150);
    expect(counterDelta(900, 50, null)).toBeNull();
  });

  it('samples live counters, unwrapping package-0 as it passes max_energy_range_uj', async () => {
    const root = buildPowercapTree('powercap-laptop');
    const p = probeRapl(root);
    expect(p.ok).toBe(true);
    if (!p.ok) return;
    const src = p.source;
    expect(src.headlineDomains).toEqual(['psys']);
    const pkg = join(root, 'intel-rapl:0', 'energy_uj');
    const psys = join(root, 'intel-rapl:1', 'energy_uj');
    const max = 262143328850;
    let pkgUj = 262143000000; // 328 850 µJ below the wrap
    let psysUj = 45678901234;
    await src.start();
    for (let i = 0; i < 8; i++) {
      await sleep(60);
      pkgUj = (pkgUj + 100_000) % max; // 0.1 J per step: wraps after the 4th
      psysUj += 250_000;
      writeFileSync(pkg, `${pkgUj}\n`);
      writeFileSync(psys, `${psysUj}\n`);
    }
    await sleep(60);
    const rec = await src.stop();
    expect(rec.lost).toBeNull();
    expect(rec.samples.length).toBeGreaterThan(5);
    const last = rec.samples.at(-1)!.values;
    expect(last[0]).toBeCloseTo(0.8, 6); // package: 8 × 0.1 J, unbroken by the wrap
    expect(last[3]).toBeCloseTo(2.0, 6); // psys: 8 × 0.25 J
    expect(last[1]).toBe(0); // core did not move
    rmSync(root, { recursive: true });
  });

  it('marks the recording lost when a zone disappears mid-run', async () => {
    const root = buildPowercapTree('powercap-server');
    const p = probeRapl(root);
    if (!p.ok) throw new Error(p.reason);
    await p.source.start();
    await sleep(80);
    rmSync(join(root, 'intel-rapl:1'), { recursive: true });
    await sleep(80);
    const rec = await p.source.stop();
    expect(rec.lost?.reason).toMatch(/RAPL read failed: ENOENT/);
    expect(rec.samples.length).toBeGreaterThan(0);
    rmSync(root, { recursive: true });
  });

  it('explains permission denied (root-only energy_uj) with the chmod / udev fix', () => {
    const root = buildPowercapTree('powercap-server');
    chmodSync(root, 0o755);
    for (const z of ['intel-rapl:0', 'intel-rapl:0:0', 'intel-rapl:1', 'intel-rapl:1:0']) chmodSync(join(root, z, 'energy_uj'), 0o400);
    // root reads anything: then each file is opened by a child running as nobody (uid 65534), the way a
    // normal login would. The child imports nothing from the repo and runs in the world-readable temp
    // dir, so a clone in a 0700 folder (mktemp -d) does not matter; its real errno becomes the error.
    const asNobody = (f: string): string => {
      const r = spawnSync(process.execPath, ['-e', READ_AS_CHILD, f], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
        cwd: tmpdir(),
        env: { PATH: process.env.PATH ?? '' },
      });
      if (r.status === 0) return r.stdout.trim();
      const code = /^ERR:(\w+)/.exec(r.stdout)?.[1];
      if (!code) throw new Error(`reader child failed (status ${r.status}): ${r.stderr}`);
      throw Object.assign(new Error(`${code}: reading ${f} as uid 65534`), { code });
    };
    const out = process.getuid?.() === 0 ? probeRapl(root, asNobody) : probeRapl(root);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.reason).toMatch(/permission denied reading .*energy_uj \(root-only since Linux 5\.10, CVE-2020-8694\)/);
    expect(out.hint).toMatch(/chmod o\+r/);
    expect(out.hint).toMatch(/udev rule/);
    rmSync(root, { recursive: true });
  });

  it('says why there is no RAPL when the powercap root is missing', () => {
    const p = probeRapl(join(tmpdir(), 'eb-no-such-powercap'));
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason).toMatch(/no powercap interface/);
  });
});
