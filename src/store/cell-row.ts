/** One metric of one stored cell with its run and device, as the leaderboard and history queries select it. */
export interface StoredCellRow {
  model: string;
  dtype: string;
  shape: string;
  runner: string;
  synthetic: boolean;
  ep: string;
  threads: number | null;
  /** the device's label */
  device: string;
  fingerprint: string;
  run_id: string;
  created_at: Date | string;
  git_commit: string | null;
  median: number;
  ci_lo: number;
  ci_hi: number;
  n: number;
  unit: string;
  plausibility: string;
}
