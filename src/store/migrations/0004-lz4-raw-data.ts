/**
 * Store schema v4, for speed (npm run bench:store): the raw samples and traces — most of a run's
 * bytes — are compressed with lz4 where the server has it (PGlite: its default already; Debian's
 * and most builds of PostgreSQL ≥ 14 have it, but default to pglz). pglz spent ≈ 4 ms a run trying
 * to compress per-token times it barely shrinks (a server's publish: traces 5.2 → 1.3 ms a run,
 * same size on disk ± 20 %). Rows stored before keep their compression; a server without lz4
 * (PostgreSQL ≤ 13, or built without it) keeps its default.
 */
export const name = 'lz4-raw-data';

export const sql = `
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE traces ALTER COLUMN requests SET COMPRESSION lz4, ALTER COLUMN energy SET COMPRESSION lz4;
    ALTER TABLE metric_summaries ALTER COLUMN samples SET COMPRESSION lz4;
  END IF;
END
$$;
`;
