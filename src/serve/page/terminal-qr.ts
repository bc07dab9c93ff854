/** The URLs a phone can open, and a QR code of the first one for the terminal. */
import { networkInterfaces } from 'node:os';
import QRCode from 'qrcode';

const WILDCARD = new Set(['0.0.0.0', '::', '']);

/** The URL as served, or — when listening on every interface — one URL per LAN IPv4 address. */
export function reachableUrls(url: string, host: string): string[] {
  if (!WILDCARD.has(host)) return [url];
  const u = new URL(url);
  const lan: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      if (a.family === 'IPv4' && !a.internal) lan.push(a.address);
    }
  }
  const hosts = lan.length > 0 ? lan : ['127.0.0.1'];
  return hosts.map((h) => {
    const v = new URL(u.href);
    v.hostname = h;
    return v.href;
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

export function terminalQr(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}
