/**
 * Around one cell of a remote runner: the network split measured before it (network-split.ts) and
 * the connections its requests opened or reused (connection-counter.ts), for cell.extra.
 */
import type { LoadedModel } from '../runners/types.ts';
import { countConnections, type ConnectionCounts } from './connection-counter.ts';
import { probeNetwork, type NetworkSplit } from './network-split.ts';

export interface CellNetwork {
  network: NetworkSplit;
  finish(): { network: NetworkSplit; connections: ConnectionCounts };
}

/** null for local runners (no endpoint). */
export async function startCellNetwork(model: LoadedModel): Promise<CellNetwork | null> {
  const r = model.remote;
  if (!r) return null;
  const network = await probeNetwork(r.modelsUrl, r.shown, r.headers());
  const counter = countConnections(r.modelsUrl);
  return { network, finish: () => ({ network, connections: counter.stop() }) };
}
