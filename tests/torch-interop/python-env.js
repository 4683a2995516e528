// How scratchnet runs PyTorch (tests and bench): Debian's system python3 with python3-torch, on the
// OpenMP build of OpenBLAS, without OPENBLAS_CORETYPE (forcing a core type there makes PyTorch's
// BLAS calls several times slower). Plain JavaScript so that bench/run.mjs can import it too.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The python with torch: $SCRATCHNET_TORCH_PYTHON, else the system python3 (another python3 may come
 * first on PATH, without torch).
 */
export const PYTHON =
  process.env.SCRATCHNET_TORCH_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

let openblasDir;
/** The directory of the OpenMP OpenBLAS build (`dpkg -L libopenblas0-openmp`), or undefined. */
export function openblasOpenmpDir() {
  if (openblasDir !== undefined) return openblasDir || undefined;
  const r = spawnSync('dpkg', ['-L', 'libopenblas0-openmp'], { encoding: 'utf8' });
  const lib = r.status === 0 ? r.stdout.split('\n').find((l) => /\/libopenblas\.so\.0$/.test(l)) : undefined;
  openblasDir = lib === undefined ? '' : lib.slice(0, lib.lastIndexOf('/'));
  return openblasDir || undefined;
}

/** The environment to run PyTorch in: `extra` added, OpenMP OpenBLAS first, no OPENBLAS_CORETYPE. */
export function torchEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.OPENBLAS_CORETYPE;
  const dir = openblasOpenmpDir();
  if (dir !== undefined) env.LD_LIBRARY_PATH = env.LD_LIBRARY_PATH ? `${dir}:${env.LD_LIBRARY_PATH}` : dir;
  return env;
}

let status;
/**
 * Whether `import torch` works: `{ ok: true, version }` or `{ ok: false, reason }` (one line). Cached:
 * importing torch takes seconds.
 */
export function torchStatus() {
  if (status !== undefined) return status;
  const r = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    env: torchEnv(),
  });
  if (r.error !== undefined) status = { ok: false, reason: `${PYTHON} cannot be run (${r.error.message})` };
  else if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? `exit code ${r.status}`;
    status = { ok: false, reason: `${PYTHON} cannot import torch (${last})` };
  } else status = { ok: true, version: r.stdout.trim() };
  return status;
}
