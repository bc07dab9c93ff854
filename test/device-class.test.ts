/**
 * Device class from what the OS says: fixture trees of sysfs/procfs (test/fixtures/device-class/<kind>)
 * read through the injectable root, CI variables from an injected environment, browsers from their UA.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyBrowser, classifyDevice, parseDeviceClass, withUserClass } from '../src/edge-cloud/device-class.ts';
import { readDeviceEvidence } from '../src/edge-cloud/device-evidence.ts';
import { isEdgebenchError } from '../src/errors.ts';
import { deviceFromV2 } from '../src/results/upgrade.ts';

const FIX = 'test/fixtures/device-class';
const detect = async (kind: string, env: Record<string, string> = {}, platform = 'linux') =>
  classifyDevice(await readDeviceEvidence({ root: join(FIX, kind), env, platform }));

describe('device class from sysfs/procfs fixtures', () => {
  it('laptop: chassis Notebook and a system battery', async () => {
    const r = await detect('laptop');
    expect(r).toEqual({ class: 'laptop', source: 'detected', evidence: ['chassis type 10 (Notebook)', 'system battery present'] });
  });

  it('laptop from the battery alone when DMI has no chassis type', async () => {
    expect(await detect('battery-only')).toMatchObject({ class: 'laptop', evidence: ['system battery present'] });
  });

  it("desktop: chassis Desktop; a wireless mouse's battery (scope Device) is not a system battery", async () => {
    const e = await readDeviceEvidence({ root: join(FIX, 'desktop'), env: {}, platform: 'linux' });
    expect(e).toMatchObject({ chassisType: 3, battery: false, hypervisor: false, dmiVendor: 'ASUS' });
    expect(classifyDevice(e)).toMatchObject({ class: 'desktop', evidence: ['chassis type 3 (Desktop)'] });
  });

  it('server-or-VM: hypervisor flag and QEMU vendor beat the chassis type', async () => {
    const r = await detect('vm');
    expect(r.class).toBe('server-or-VM');
    expect(r.evidence).toEqual(['hypervisor flag in /proc/cpuinfo', 'DMI vendor "QEMU Standard PC (Q35 + ICH9, 2009)"']);
  });

  it('server-or-VM: a cloud DMI vendor on Arm (no flags line) and a rack-mount server', async () => {
    const cloud = await readDeviceEvidence({ root: join(FIX, 'cloud-vm-no-flag'), env: {}, platform: 'linux' });
    expect(cloud.hypervisor).toBeNull();
    expect(classifyDevice(cloud)).toMatchObject({ class: 'server-or-VM', evidence: ['DMI vendor "Amazon EC2 c7g.large"'] });
    expect(await detect('server')).toMatchObject({ class: 'server-or-VM', evidence: ['chassis type 23 (Rack Mount Chassis)'] });
  });

  it('tablet: chassis Tablet', async () => {
    expect(await detect('tablet')).toMatchObject({ class: 'tablet', evidence: ['chassis type 30 (Tablet)', 'system battery present'] });
  });

  it('phone: Node on Android', async () => {
    expect(await detect('empty', {}, 'android')).toMatchObject({ class: 'phone', evidence: ['platform android'] });
  });

  it('ci-runner: a CI variable wins over everything, CI=false does not count', async () => {
    expect(await detect('vm', { GITHUB_ACTIONS: 'true', CI: 'true' })).toEqual({
      class: 'ci-runner',
      source: 'detected',
      evidence: ['CI variable GITHUB_ACTIONS is set'],
    });
    expect(await detect('laptop', { CI: 'false' })).toMatchObject({ class: 'laptop' });
  });

  it('unknown, saying how to set it, when nothing decides', async () => {
    const r = await detect('empty');
    expect(r.class).toBe('unknown');
    expect(r.evidence.at(-1)).toContain('--device-class');
  });

  it('falls back to systeminformation facts where there is no sysfs (macOS, Windows)', async () => {
    const e = await readDeviceEvidence({
      root: join(FIX, 'empty'),
      env: {},
      platform: 'darwin',
      fallback: { chassisType: 10, battery: true },
    });
    expect(classifyDevice(e).class).toBe('laptop');
  });
});

describe('device class of a browser (serve devices)', () => {
  const b = (userAgent: string, over: Partial<Parameters<typeof classifyBrowser>[0]> = {}) =>
    classifyBrowser({ userAgent, mobile: null, maxTouchPoints: null, battery: null, ...over }).class;
  it('phones, tablets, laptops and the undecidable desktop OS', () => {
    expect(b('Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1')).toBe('phone');
    expect(b('Mozilla/5.0 (Linux; Android 15; SM-S938B) AppleWebKit/537.36 Chrome/138.0 Mobile Safari/537.36')).toBe('phone');
    expect(b('Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Chrome/138.0 Safari/537.36')).toBe('tablet');
    expect(b('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Safari/604.1')).toBe('tablet');
    expect(b('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605.1.15', { maxTouchPoints: 5 })).toBe('tablet');
    expect(b('Mozilla/5.0 (X11; Linux x86_64) Chrome/138.0', { battery: { charging: false, level: 0.8 } })).toBe('laptop');
    expect(b('Mozilla/5.0 (X11; Linux x86_64) Chrome/138.0', { battery: { charging: true, level: 1 } })).toBe('unknown');
  });
});

describe('user override and bad input', () => {
  it('--device-class replaces the detected class and keeps what was detected as evidence', () => {
    const r = withUserClass(
      { class: 'server-or-VM', source: 'detected', evidence: ['hypervisor flag in /proc/cpuinfo'] },
      parseDeviceClass('laptop'),
    );
    expect(r).toEqual({
      class: 'laptop',
      source: 'user',
      evidence: ['--device-class laptop', 'detected: server-or-VM (hypervisor flag in /proc/cpuinfo)'],
    });
  });

  it('an unknown class is a one-line usage error listing the classes', () => {
    try {
      parseDeviceClass('toaster');
      expect.unreachable();
    } catch (e) {
      expect(isEdgebenchError(e) && e.code).toBe('USAGE');
      expect((e as Error).message).toBe('--device-class toaster: unknown device class');
    }
    const r = spawnSync(process.execPath, ['bin/edgebench.js', 'run', '--device-class', 'toaster', '--no-report', '--quiet'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')[0]).toBe('error[USAGE]: --device-class toaster: unknown device class');
    const p = spawnSync(process.execPath, ['bin/edgebench.js', 'run', '--device-price-usd', '-5', '--no-report', '--quiet'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(p.stderr.trim().split('\n')[0]).toBe('error[USAGE]: --device-price-usd -5: expected a price in USD above 0 and at most 1000000');
  });

  it('results written before device classes were recorded get the class their facts allow', () => {
    const base = { power: { source: 'ac' as const, batteryPercent: null }, kind: 'node' as const, userAgent: null };
    expect(deviceFromV2(base as Parameters<typeof deviceFromV2>[0]).class).toBe('unknown');
    expect(deviceFromV2({ ...base, power: { source: 'ac', batteryPercent: 97 } } as Parameters<typeof deviceFromV2>[0]).class).toBe(
      'laptop',
    );
  });
});
