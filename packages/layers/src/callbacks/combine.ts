import type { BatchMetrics, EpochMetrics, FitCallbacks } from '../model/fit.js';

/**
 * Several {@link FitCallbacks} as one, called in the order given (each awaited); training stops when
 * any of them asks to.
 *
 * @example
 * ```ts
 * callbacks: combineCallbacks(new EarlyStopping({ patience: 3 }), { onEpochEnd: (m) => console.log(m) })
 * ```
 */
export function combineCallbacks(...list: FitCallbacks[]): FitCallbacks {
  return {
    async onBatchEnd(m: BatchMetrics) {
      for (const c of list) await c.onBatchEnd?.(m);
    },
    async onEpochEnd(m: EpochMetrics) {
      for (const c of list) await c.onEpochEnd?.(m);
    },
    get stopTraining() {
      return list.some((c) => c.stopTraining === true);
    },
  };
}
