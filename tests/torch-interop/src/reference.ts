/**
 * Runs python/reference.py on a batch of cases (one PyTorch process per test file: importing torch
 * takes seconds) and hands back its results by case id.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IntTensor, Tensor } from '@scratchnet/tensor';
import { PYTHON, torchEnv, torchStatus } from '../python-env.js';

/** A tensor as the reference script reads and writes it (float32 values, exact in JSON). */
export interface TensorJson {
  shape: number[];
  data: number[];
}

/** One case for the reference script: `id`, `kind` ('layer' | 'loss' | 'optimizer' | 'model') and its fields. */
export type Case = { id: string; kind: string } & Record<string, unknown>;

/** A case's PyTorch results (or `error` when PyTorch refused it). */
export type Result = Record<string, unknown> & { error?: string };

/** Whether PyTorch can run here, and why not. */
export const torch = torchStatus();

/** A tensor (or a plain array with its shape) as JSON. */
export function json(t: Tensor | IntTensor): TensorJson;
export function json(data: ArrayLike<number>, shape: readonly number[]): TensorJson;
export function json(t: Tensor | IntTensor | ArrayLike<number>, shape?: readonly number[]): TensorJson {
  if (shape !== undefined) return { shape: [...shape], data: Array.from(t as ArrayLike<number>) };
  const x = t as Tensor;
  return { shape: [...x.shape], data: Array.from(x.data) };
}

const script = join(import.meta.dirname, '..', 'python', 'reference.py');

/** Runs every case through PyTorch; throws with the script's stderr if it fails as a whole. */
export function runReference(cases: Case[]): Record<string, Result> {
  const dir = mkdtempSync(join(tmpdir(), 'scratchnet-torch-'));
  try {
    const req = join(dir, 'request.json');
    const res = join(dir, 'response.json');
    writeFileSync(req, JSON.stringify({ cases }));
    const r = spawnSync(PYTHON, [script, req, res], { encoding: 'utf8', env: torchEnv() });
    if (r.status !== 0) {
      throw new Error(`reference.py failed (exit ${r.status}): ${r.error?.message ?? r.stderr.trim()}`);
    }
    return (JSON.parse(readFileSync(res, 'utf8')) as { results: Record<string, Result> }).results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The result of case `id`, failing the test with PyTorch's own message if PyTorch rejected the case. */
export function resultOf(results: Record<string, Result>, id: string): Result {
  const r = results[id];
  if (r === undefined) throw new Error(`no PyTorch result for case '${id}'`);
  if (r.error !== undefined) throw new Error(`PyTorch failed on case '${id}': ${r.error}`);
  return r;
}
