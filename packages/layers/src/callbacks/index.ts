export { combineCallbacks } from './combine.js';
export {
  EarlyStopping,
  type EarlyStoppingOptions,
  type EarlyStoppingState,
  type WeightsOwner,
} from './early-stopping.js';
export {
  MetricMonitor,
  type MonitorMode,
  type MonitorName,
  type MonitorOptions,
  type MonitorState,
} from './monitor.js';
export {
  type LearningRateScale,
  type PlateauTarget,
  ReduceLROnPlateau,
  type ReduceLROnPlateauOptions,
  type ReduceLROnPlateauState,
} from './reduce-lr-on-plateau.js';
