/** The python with torch: $SCRATCHNET_TORCH_PYTHON, else the system python3. */
export declare const PYTHON: string;
/** The directory of the OpenMP OpenBLAS build (`dpkg -L libopenblas0-openmp`), or undefined. */
export declare function openblasOpenmpDir(): string | undefined;
/** The environment to run PyTorch in: `extra` added, OpenMP OpenBLAS first, no OPENBLAS_CORETYPE. */
export declare function torchEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
/** Whether `import torch` works (cached). */
export declare function torchStatus(): { ok: true; version: string } | { ok: false; reason: string };
