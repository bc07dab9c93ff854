/**
 * Materializes a fixture sysfs powercap tree (test/fixtures/energy/<name>.json) as real files, so the
 * RAPL probe reads genuine sysfs-shaped folders. The trees live as JSON because their folder names
 * (`intel-rapl:0:1`) contain ':', which a Windows checkout cannot hold.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

export type PowercapFixture = 'powercap-laptop' | 'powercap-server';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'energy');
const safeName = z.string().regex(/^[\w.:-]+$/, 'a plain file or folder name');
const treeSchema = z.object({
  about: z.string(),
  zones: z.record(safeName, z.record(safeName, z.string())),
});

/**
 * Writes the named tree into `dest` (created if missing) or, without one, into a fresh temp dir;
 * returns the root to pass as the powercap root (EDGEBENCH_POWERCAP_ROOT). The caller removes it.
 */
export function buildPowercapTree(name: PowercapFixture, dest?: string): string {
  const file = join(FIX, `${name}.json`);
  const parsed = treeSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  const root = dest ?? mkdtempSync(join(tmpdir(), `eb-${name}-`));
  for (const [zone, files] of Object.entries(parsed.data.zones)) {
    mkdirSync(join(root, zone), { recursive: true });
    for (const [f, content] of Object.entries(files)) writeFileSync(join(root, zone, f), content);
  }
  return root;
}
