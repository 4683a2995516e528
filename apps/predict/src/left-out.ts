// Training code left out of the CLI's bundle: build.mjs puts a module of these in place of each
// training-only module of the libraries (the fit loop, summaries, losses, and the kernels that only
// backward passes, losses, metrics and dropout run). scratchnet-predict only predicts, so none of it
// ever runs; without it the file, its code cache and its start-up are smaller. Should one of them be
// used after all, it says so instead of misbehaving.

/**
 * A stand-in for the export `name` of a module left out: calling it, constructing it or reading any
 * of its properties throws an Error naming it.
 */
export function leftOut(name: string): object {
  const fail = (): never => {
    throw new Error(`${name} is training code, which scratchnet-predict leaves out of its bundle`);
  };
  return new Proxy(function leftOutExport() {}, { apply: fail, construct: fail, get: fail });
}
