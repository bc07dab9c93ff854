/**
 * Counts the HTTP requests fetch sends to one origin and the new connections it opens for them
 * (Node's fetch publishes both on diagnostics channels), so a result can say whether keep-alive
 * reused connections: reused = requests − new connections.
 */
import dc from 'node:diagnostics_channel';

export interface ConnectionCounts {
  requests: number;
  newConnections: number;
  /** requests sent on an already-open connection */
  reused: number;
}

interface ConnectedMessage {
  connectParams?: { hostname?: string; host?: string; port?: string | number; protocol?: string };
}
interface RequestMessage {
  request?: { origin?: string | URL };
}

export function countConnections(endpoint: string): { stop(): ConnectionCounts } {
  const u = new URL(endpoint);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const host = u.hostname.replace(/^\[|\]$/g, '');
  let requests = 0;
  let newConnections = 0;
  const onConnected = (m: unknown) => {
    const p = (m as ConnectedMessage).connectParams;
    const h = (p?.hostname ?? p?.host ?? '').replace(/^\[|\]$/g, '').replace(/:\d+$/, '');
    if (h === host && String(p?.port || port) === port) newConnections++;
  };
  const onRequest = (m: unknown) => {
    const o = (m as RequestMessage).request?.origin;
    if (o === undefined) return;
    const ou = new URL(String(o));
    if (ou.hostname.replace(/^\[|\]$/g, '') === host && (ou.port || (ou.protocol === 'https:' ? '443' : '80')) === port) requests++;
  };
  dc.subscribe('undici:client:connected', onConnected);
  dc.subscribe('undici:request:create', onRequest);
  return {
    stop() {
      dc.unsubscribe('undici:client:connected', onConnected);
      dc.unsubscribe('undici:request:create', onRequest);
      return { requests, newConnections, reused: Math.max(0, requests - newConnections) };
    },
  };
}
