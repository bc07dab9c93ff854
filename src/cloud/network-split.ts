/**
 * The network part of a remote endpoint's latency, measured before a cell: TCP connect (one round
 * trip), TLS handshake (https), and GET /v1/models on a kept-alive connection (a minimal request:
 * one round trip plus the server's least work), each a few times. The median TCP connect is the
 * round trip (rttMs) set apart from TTFT in reports; nothing here is inside a timed request.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { nowMs } from '../clock.ts';
import { percentile } from '../stats/index.ts';

export const NETWORK_PROBES = 5;
const PROBE_TIMEOUT_MS = 5000;

export interface NetworkSplit {
  endpoint: string;
  probes: number;
  tcpConnectMs: number[];
  /** null for plain http */
  tlsHandshakeMs: number[] | null;
  /** GET /v1/models, first on a new connection then reused (keep-alive) */
  modelsRoundTripMs: number[];
  modelsStatus: number | null;
  /** median TCP connect: one network round trip */
  rttMs: number | null;
  /** median GET /v1/models on a reused connection */
  requestRoundTripMs: number | null;
  rule: string;
  error: string | null;
}

function timed<T>(start: (done: (v: T) => void, fail: (e: Error) => void) => () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`));
    }, PROBE_TIMEOUT_MS);
    const cleanup = start(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function tcpConnect(host: string, port: number): Promise<number> {
  return timed<number>((done, fail) => {
    const t0 = nowMs();
    const s = net.connect({ host, port });
    s.once('connect', () => {
      done(nowMs() - t0);
      s.destroy();
    });
    s.once('error', fail);
    return () => s.destroy();
  });
}

function tlsHandshake(host: string, port: number): Promise<number> {
  return timed<number>((done, fail) => {
    let tTcp = 0;
    const s = tls.connect({ host, port, servername: net.isIP(host) ? undefined : host });
    s.once('connect', () => void (tTcp = nowMs()));
    s.once('secureConnect', () => {
      done(nowMs() - tTcp);
      s.destroy();
    });
    s.once('error', fail);
    return () => s.destroy();
  });
}

function getModels(url: URL, agent: http.Agent, headers: Record<string, string>): Promise<{ ms: number; status: number }> {
  const mod = url.protocol === 'https:' ? https : http;
  return timed((done, fail) => {
    const t0 = nowMs();
    const req = mod.get(url, { agent, headers }, (res) => {
      res.resume();
      res.once('end', () => done({ ms: nowMs() - t0, status: res.statusCode ?? 0 }));
    });
    req.once('error', fail);
    return () => req.destroy();
  });
}

const median = (xs: number[]) => (xs.length ? percentile(xs, 50) : null);

/** `modelsUrl`: the endpoint's …/v1/models; `headers`: the auth header, if any (never stored). */
export async function probeNetwork(
  modelsUrl: string,
  shownEndpoint: string,
  headers: Record<string, string>,
  probes = NETWORK_PROBES,
): Promise<NetworkSplit> {
  const url = new URL(modelsUrl);
  const https_ = url.protocol === 'https:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || (https_ ? 443 : 80));
  const out: NetworkSplit = {
    endpoint: shownEndpoint,
    probes,
    tcpConnectMs: [],
    tlsHandshakeMs: https_ ? [] : null,
    modelsRoundTripMs: [],
    modelsStatus: null,
    rttMs: null,
    requestRoundTripMs: null,
    rule: 'rttMs = median TCP connect; requestRoundTripMs = median GET /v1/models on a reused connection; ttft − rttMs = server and queueing time (approx.)',
    error: null,
  };
  const agent = new (https_ ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < probes; i++) {
      out.tcpConnectMs.push(await tcpConnect(host, port));
      if (https_) out.tlsHandshakeMs!.push(await tlsHandshake(host, port));
    }
    for (let i = 0; i < probes + 1; i++) {
      const r = await getModels(url, agent, headers);
      out.modelsStatus = r.status;
      out.modelsRoundTripMs.push(r.ms);
    }
  } catch (e) {
    out.error = (e as Error).message;
  } finally {
    agent.destroy();
  }
  out.rttMs = median(out.tcpConnectMs);
  out.requestRoundTripMs = median(out.modelsRoundTripMs.slice(1)); // the first one opened the connection
  return out;
}
