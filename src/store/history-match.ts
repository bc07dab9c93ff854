/** The keys `history --match` accepts (kept apart so the CLI can parse flags without loading the store). */
export const MATCH_KEYS = ['model', 'dtype', 'shape', 'runner', 'ep', 'device', 'class'] as const;
export type MatchKey = (typeof MATCH_KEYS)[number];
