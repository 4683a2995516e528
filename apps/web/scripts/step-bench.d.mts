import type { Browser } from 'puppeteer-core';
import type { StepBenchRequest, StepBenchRun } from '../src/lib/protocol.js';

/** The step the browser benchmark times (simple-cnn, batch 64, threads 1 and 2 alternately). */
export const STEP_BENCH: StepBenchRequest;
/** Median of a non-empty list. */
export function median(xs: readonly number[]): number;

/** One thread count's run as the page returns it: the parameters summarised, not copied. */
export interface StepBenchPageRun extends Omit<StepBenchRun, 'parameters'> {
  parameterCount: number;
  /** FNV-1a of the final parameters' bits: equal digests, identical parameters. */
  parameterDigest: string;
  /** Largest |difference| of the final parameters from the first run's. */
  maxDiffFromFirst: number;
}

/** Runs the step-timing Worker in a new tab of `browser` at `url`. */
export function runStepBench(
  browser: Browser,
  url: string,
  request?: Partial<StepBenchRequest>,
): Promise<{
  crossOriginIsolated: boolean;
  pageCrossOriginIsolated: boolean;
  variant: string;
  hardwareConcurrency: number | undefined;
  runs: StepBenchPageRun[];
}>;

/**
 * CPU milliseconds per step of each thread running the step at `threads` threads, busiest first
 * (Linux /proc; undefined elsewhere): two fresh Workers, `short` and `long` timed steps, differenced.
 */
export function stepCpu(
  browser: Browser,
  url: string,
  threads: number,
  options?: { short?: number; long?: number } & Partial<StepBenchRequest>,
): Promise<number[] | undefined>;
