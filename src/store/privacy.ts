/**
 * What leaves the machine. A published run never carries hostnames, user names, file paths or
 * credentials: the environment is trimmed to the facts a comparison needs (hardware, OS, software
 * versions, power source, commit), argv is dropped, and every free text (error messages, runner
 * settings, the resolved suite, energy notes) is scrubbed: URLs lose user:password, query and
 * fragment; absolute paths keep only their last segment; keys that name secrets are dropped.
 */
import { userInfo } from 'node:os';
import type { Environment } from '../results/schema.ts';

export interface TrimmedEnvironment {
  os: { platform: string; distro: string; release: string; arch: string };
  cpu: {
    manufacturer: string;
    brand: string;
    physicalCores: number;
    logicalCores: number;
    speedMaxGHz: number | null;
    flags: string[];
    governor: string | null;
  };
  memory: { totalBytes: number };
  power: { source: string };
  gpus: { vendor: string; model: string; vramBytes: number | null }[];
  software: Record<string, string>;
  git: { commit: string; dirty: boolean } | null;
  fingerprint: string;
  kind: string;
  /** browser and OS product tokens only (e.g. "Chrome/131 Android 14"), never the full user agent */
  browser: string | null;
}

const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|auth|credential|cookie|bearer/i;
const URL_RE = /\b([a-z][a-z0-9+.-]*):\/\/[^\s'"<>]+/gi;
// an absolute path: /a/b, ~/a, C:\a\b (not the "/" inside a word or a URL, those are handled first)
const PATH_RE = /(^|[\s'"(=,:[])((?:~|[A-Za-z]:)?[\\/][^\s'"()<>,;]*)/g;

export interface ScrubContext {
  /** literal strings to remove wherever they appear (the run's hostname, user names) */
  words: string[];
}

function scrubUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString();
  } catch {
    return '<url>';
  }
}

function lastSegment(p: string): string {
  const parts = p.split(/[\\/]+/).filter(Boolean);
  // "/home/alice" or "C:\\Users\\bob": the last segment is likely a user name
  if (parts.length <= 2) return '<path>';
  return `…/${parts[parts.length - 1]}`;
}

export function scrubText(s: string, ctx: ScrubContext): string {
  const urls: string[] = [];
  let out = s.replace(URL_RE, (m) => {
    urls.push(scrubUrl(m));
    return `\u0000${urls.length - 1}\u0000`;
  });
  out = out.replace(PATH_RE, (_m, pre: string, p: string) =>
    p.length > 1 && /[A-Za-z0-9]/.test(p) ? `${pre}${lastSegment(p)}` : `${pre}${p}`,
  );
  for (const w of ctx.words) {
    if (w.length >= 3)
      out = out.replace(new RegExp(`(?<![A-Za-z0-9_-])${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![A-Za-z0-9_-])`, 'g'), '<redacted>');
  }
  // eslint-disable-next-line no-control-regex
  return out.replace(/\u0000(\d+)\u0000/g, (_m, i: string) => urls[Number(i)] ?? '<url>');
}

/** Deep copy with every string scrubbed and secret-named keys dropped. */
export function scrubValue(v: unknown, ctx: ScrubContext): unknown {
  if (typeof v === 'string') return scrubText(v, ctx);
  if (Array.isArray(v)) return v.map((x) => scrubValue(x, ctx));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!SECRET_KEY.test(k) && x !== undefined) out[k] = scrubValue(x, ctx);
    return out;
  }
  return v;
}

/** A model as named in a cell key: a folder path becomes its last segment. */
export function modelName(model: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(model)) return scrubUrl(model);
  if (/^(~|[A-Za-z]:|\.{1,2})?[\\/]/.test(model) || model.includes('\\'))
    return (
      model
        .split(/[\\/]+/)
        .filter(Boolean)
        .pop() ?? '<path>'
    );
  return model;
}

export function browserTokens(ua: string | null): string | null {
  if (!ua) return null;
  const product = /\b(Edg|OPR|SamsungBrowser|CriOS|FxiOS|Firefox|Chrome|Version)\/(\d+)/.exec(ua);
  const os =
    /\b(Android \d+(?:\.\d+)?|iPhone OS \d+|CPU OS \d+|Mac OS X \d+[._]\d+|Windows NT \d+\.\d+|CrOS|Linux x86_64|Linux aarch64)/.exec(ua);
  const parts = [
    product ? `${product[1] === 'Version' ? 'Safari' : product[1]}/${product[2]}` : null,
    os ? (os[1]!.startsWith('Linux') ? os[1]! : os[1]!.replace(/_/g, '.')) : null,
  ].filter(Boolean);
  return parts.length ? parts.join(' ') : null;
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/** The run's hostname and this machine's user name are removed from every text, as whole words. */
export function scrubContextFor(env: Environment): ScrubContext {
  return { words: [env.hostname ?? '', localUser()].filter((w) => w.length >= 3) };
}

export function trimEnvironment(env: Environment, ctx: ScrubContext): TrimmedEnvironment {
  const s = (x: string) => scrubText(x, ctx);
  return {
    os: { platform: env.os.platform, distro: s(env.os.distro), release: s(env.os.release), arch: env.os.arch },
    cpu: {
      manufacturer: s(env.cpu.manufacturer),
      brand: s(env.cpu.brand),
      physicalCores: env.cpu.physicalCores,
      logicalCores: env.cpu.logicalCores,
      speedMaxGHz: env.cpu.speedMaxGHz ?? env.cpu.speedGHz,
      flags: [...env.cpu.flags].sort(),
      governor: env.cpu.governor,
    },
    memory: { totalBytes: env.memory.totalBytes },
    power: { source: env.power.source },
    gpus: env.gpus.map((g) => ({ vendor: s(g.vendor), model: s(g.model), vramBytes: g.vramBytes })),
    software: Object.fromEntries(Object.entries(env.software).map(([k, v]) => [k, s(v)])),
    git: env.git,
    fingerprint: env.fingerprint,
    kind: env.kind,
    browser: browserTokens(env.userAgent),
  };
}
