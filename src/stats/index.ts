/** Pure statistics for edgebench. Imports nothing from the rest of the project. */
export { mulberry32, type Rng } from './prng.ts';
export { median } from './median.ts';
export { nearestRank, percentile, percentileSorted, percentileOrNull, minSamplesForPercentile } from './percentile.ts';
export { modifiedZScores, outlierIndices, MODIFIED_Z_THRESHOLD } from './outliers.ts';
export { bootstrapMedianCI, bootstrapMedians, DEFAULT_RESAMPLES, type BootstrapCI } from './bootstrap.ts';
export { clusterBootstrapMedianCI, clusterBootstrapMedians, type ClusterBootstrapCI } from './cluster-bootstrap.ts';
export { summarize, type SampleSummary } from './summarize.ts';
export { linearSlope, type LinearFit } from './regression.ts';
export { normalCdf, normalSf, studentTSf, incompleteBeta } from './distributions.ts';
export { mannWhitneyU, averageRanks, exactUCounts, EXACT_MAX_N, type Alternative, type MannWhitneyResult } from './mann-whitney.ts';
export { holmAdjust } from './holm.ts';
