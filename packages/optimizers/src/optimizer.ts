import { ShapeError, Tensor, copy, fill, formatShape, full, shapesEqual } from '@scratchnet/tensor';
import { clipGradNorm } from './clip-grad-norm.js';
import { createSchedule } from './schedules/create.js';
import type { Schedule, ScheduleConfig } from './schedules/schedule.js';
import { checkNumber } from './validate.js';

/**
 * A trainable tensor and its gradient, under the name it has in the model's state dict ('0.weight').
 * Structurally the same as `@scratchnet/layers`' `Parameter`: pass `model.namedParameters()`.
 */
export interface Parameter {
  name: string;
  value: Tensor;
  grad: Tensor;
}

/**
 * Everything an optimizer needs to continue exactly: its type, the number of steps taken (which also
 * fixes the position of its learning-rate decay and schedule), and its slot tensors keyed
 * `${paramName}.${slot}` with PyTorch's slot names (`momentum_buffer`, `exp_avg`, `exp_avg_sq`,
 * `max_exp_avg_sq`, `square_avg`, `grad_avg`, `sum`).
 */
export interface OptimizerState {
  type: string;
  step: number;
  slots: Record<string, Tensor>;
}

/** Options every optimizer takes besides its own hyper-parameters: the learning-rate rule and clipping. */
export interface CommonOptions {
  /** Base learning rate lr_0 (> 0 is typical; ≥ 0 accepted). */
  lr?: number;
  /**
   * NNFS-style time decay: `lr_t = lr_0 / (1 + decay·t)`, t = steps taken (default 0: off). It
   * multiplies with any `schedule`.
   */
  decay?: number;
  /** A learning-rate schedule (a config such as `{ type: 'cosine', tMax: 1000 }`, or a {@link Schedule}). */
  schedule?: ScheduleConfig | Schedule;
  /**
   * Clip the gradients to this global L2 norm before each step (like Keras' `global_clipnorm`; see
   * {@link clipGradNorm}). Default: no clipping.
   */
  maxGradNorm?: number;
}

/** The part of every optimizer config that {@link CommonOptions} describes. */
export type CommonConfig = { lr: number; decay: number; schedule?: ScheduleConfig; maxGradNorm?: number };

/**
 * Shared machinery of every optimizer: the parameter list, the step count, the learning-rate rule
 * (base rate × schedule / (1 + decay·t)), slot tensors, scratch, and exact state save/restore.
 * Subclasses write one update with the fused elementwise ops of @scratchnet/tensor (`axpby`,
 * `addcmul`, `addcdiv`, …), PyTorch's single-tensor algorithm step by step.
 */
export abstract class Optimizer {
  /** Short type name used in configs and state: 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'. */
  abstract readonly type: string;
  /** The parameters updated by {@link step}, in order. */
  readonly params: readonly Parameter[];
  /** lr_0, the rate before decay and schedule. */
  readonly baseLearningRate: number;
  /** NNFS-style time decay factor (0: off). */
  readonly decay: number;
  /** The learning-rate schedule, or null. */
  readonly schedule: Schedule | null;
  /** Global gradient norm every step clips to, or null. */
  readonly maxGradNorm: number | null;
  /** Class name, for error messages. */
  protected readonly owner: string;
  private steps = 0;
  private gradNorm = Number.NaN;
  /** Slot tensors by slot name, one per parameter (same order as `params`). */
  private readonly slotTable = new Map<string, Tensor[]>();

  protected constructor(
    owner: string,
    params: readonly Parameter[],
    options: CommonOptions,
    defaultLr: number,
  ) {
    this.owner = owner;
    this.params = checkParams(owner, params);
    this.baseLearningRate = checkNumber(owner, 'lr', options.lr, defaultLr, { min: 0 });
    this.decay = checkNumber(owner, 'decay', options.decay, 0, { min: 0 });
    this.schedule = options.schedule === undefined ? null : createSchedule(options.schedule);
    this.maxGradNorm =
      options.maxGradNorm === undefined
        ? null
        : checkNumber(owner, 'maxGradNorm', options.maxGradNorm, 0, { min: 0 });
  }

  /** Number of {@link step} calls so far (restored by {@link loadStateDict}). */
  get stepCount(): number {
    return this.steps;
  }

  /** The learning rate the next {@link step} uses: `schedule(t, lr_0) / (1 + decay·t)`, t = {@link stepCount}. */
  get learningRate(): number {
    const t = this.steps;
    const lr = this.schedule === null ? this.baseLearningRate : this.schedule.rate(t, this.baseLearningRate);
    return this.decay === 0 ? lr : lr / (1 + this.decay * t);
  }

  /**
   * The global L2 norm of the gradients measured (before clipping) by the last {@link step}, when
   * `maxGradNorm` is set; NaN otherwise.
   */
  get lastGradNorm(): number {
    return this.gradNorm;
  }

  /**
   * Updates every parameter in place from its gradient (clipped first when `maxGradNorm` is set),
   * through the current backend. Allocates nothing.
   */
  step(): void {
    if (this.maxGradNorm !== null) this.gradNorm = clipGradNorm(this.params, this.maxGradNorm);
    this.update(this.learningRate, this.steps + 1);
    this.steps++;
  }

  /** Sets every parameter's gradient to zero (like PyTorch `optimizer.zero_grad()`). */
  zeroGrad(): void {
    for (const p of this.params) fill(p.grad, 0);
  }

  /**
   * A snapshot of the state: the step count and a copy of every slot tensor, keyed
   * `${paramName}.${slot}`. Later steps do not change it.
   */
  stateDict(): OptimizerState {
    const slots: Record<string, Tensor> = {};
    for (const [slot, tensors] of this.slotTable) {
      tensors.forEach((t, i) => {
        slots[`${this.params[i].name}.${slot}`] = t.clone();
      });
    }
    return { type: this.type, step: this.steps, slots };
  }

  /**
   * Restores a state from {@link stateDict} (or a checkpoint): copies every slot tensor in and sets the
   * step count, so training continues bit-identically. Throws, changing nothing, unless the type matches
   * and the slots are exactly this optimizer's, with the parameters' shapes.
   */
  loadStateDict(state: OptimizerState): void {
    const where = `${this.owner}.loadStateDict`;
    if (state === null || typeof state !== 'object')
      throw new TypeError(`${where}: expected an optimizer state object`);
    if (state.type !== this.type) {
      throw new Error(`${where}: the state is of a '${String(state.type)}' optimizer, not '${this.type}'`);
    }
    if (!Number.isSafeInteger(state.step) || state.step < 0) {
      throw new RangeError(`${where}: step must be a non-negative integer, got ${String(state.step)}`);
    }
    const given = state.slots ?? {};
    const expected = new Map<string, Tensor>();
    for (const [slot, tensors] of this.slotTable) {
      tensors.forEach((t, i) => {
        expected.set(`${this.params[i].name}.${slot}`, t);
      });
    }
    for (const key of Object.keys(given)) {
      if (expected.has(key)) continue;
      // Parameter names may contain dots ('0.weight'); slot names never do.
      const dot = key.lastIndexOf('.');
      const paramName = key.slice(0, Math.max(dot, 0));
      const slot = key.slice(dot + 1);
      const why = !this.params.some((p) => p.name === paramName)
        ? `there is no parameter '${paramName}'`
        : `this ${this.type} optimizer keeps no '${slot}' (its slots: ${[...this.slotTable.keys()].join(', ') || 'none'})`;
      throw new Error(`${where}: unexpected slot '${key}': ${why}`);
    }
    for (const [key, mine] of expected) {
      const t = given[key];
      if (t === undefined) throw new Error(`${where}: missing slot '${key}'`);
      if (!isFloatTensor(t)) throw new TypeError(`${where}: slot '${key}' is not a float tensor`);
      if (!shapesEqual(t.shape, mine.shape)) {
        throw new ShapeError(
          `${where}: slot '${key}' has shape ${formatShape(t.shape)}, but the parameter has shape ${formatShape(mine.shape)}`,
        );
      }
    }
    for (const [key, mine] of expected) copy(given[key], mine);
    this.steps = state.step;
  }

  /** The JSON-safe configuration; `createOptimizer(getConfig(), params)` rebuilds an equivalent optimizer. */
  abstract getConfig(): { type: string } & CommonConfig;

  /** One update of every parameter at learning rate `lr`; `t` is the 1-based number of this step. */
  protected abstract update(lr: number, t: number): void;

  /** Creates one slot tensor per parameter, filled with `init`, and registers it for the state dict. */
  protected addSlot(slot: string, init = 0): Tensor[] {
    const tensors = this.params.map((p) => full(p.value.shape, init));
    this.slotTable.set(slot, tensors);
    return tensors;
  }

  /**
   * One scratch tensor per parameter (same shape), allocated once here so that steps allocate nothing.
   * Not part of the state: its contents do not survive a step.
   */
  protected addScratch(): Tensor[] {
    return this.params.map((p) => new Tensor(p.value.shape));
  }

  /**
   * `{ out: t }` for each tensor, made once: the options records an update passes to the ops, so
   * that steps allocate nothing.
   */
  protected outOptions(tensors: readonly Tensor[]): { readonly out: Tensor }[] {
    return tensors.map((t) => Object.freeze({ out: t }));
  }

  /** The {@link CommonConfig} part of {@link getConfig}. */
  protected commonConfig(): CommonConfig {
    const config: CommonConfig = { lr: this.baseLearningRate, decay: this.decay };
    if (this.schedule !== null) config.schedule = this.schedule.getConfig();
    if (this.maxGradNorm !== null) config.maxGradNorm = this.maxGradNorm;
    return config;
  }
}

function checkParams(owner: string, params: readonly Parameter[]): readonly Parameter[] {
  if (!Array.isArray(params) || params.length === 0) {
    throw new Error(`${owner}: got an empty parameter list (pass model.namedParameters())`);
  }
  const seen = new Set<string>();
  for (const p of params) {
    if (p === null || typeof p !== 'object' || typeof p.name !== 'string') {
      throw new TypeError(`${owner}: each parameter must be { name, value, grad }`);
    }
    if (seen.has(p.name)) throw new Error(`${owner}: parameter name '${p.name}' appears twice`);
    seen.add(p.name);
    if (!isFloatTensor(p.value) || !isFloatTensor(p.grad)) {
      throw new TypeError(`${owner}: parameter '${p.name}' needs float tensors value and grad`);
    }
    if (!shapesEqual(p.value.shape, p.grad.shape)) {
      throw new ShapeError(
        `${owner}: parameter '${p.name}' has value ${formatShape(p.value.shape)} but grad ${formatShape(p.grad.shape)}`,
      );
    }
  }
  return Object.freeze([...params]);
}

/** A float tensor of this program's one copy of @scratchnet/tensor (a second copy refuses to load). */
function isFloatTensor(t: unknown): t is Tensor {
  return t instanceof Tensor;
}
