// The first lines of dist/scratchnet-predict.js (build.mjs fills in SOURCE_LENGTH and SOURCE_KEY): the
// CLI itself, SOURCE, is a comment at the end of the file (the body of `embedded`), compiled with V8's
// code cache so that a second run skips parsing and compiling it. Node's loader only skims a comment,
// where a string literal of the same size would be scanned, copied and kept (measured: a few
// milliseconds per run). The cache lives in the user's cache directory, one file per CLI build
// (SOURCE_KEY, a hash of SOURCE), Node version and architecture; V8 rejects a cache made by another V8
// or with other flags, and the file is then written again. A missing, unreadable or rejected cache
// only costs the compile: the code run is SOURCE either way, so a cache never changes an answer.
//
// A CommonJS script (dist/package.json says so): an ES module entry makes Node load its module
// loader (~13 internal modules more than `node -e 0`, measured with process.moduleLoadList), and a
// copy of the file runs on its own wherever it is put.
const { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const SOURCE_LENGTH = '__SOURCE_LENGTH__';
const SOURCE_KEY = '__SOURCE_KEY__';

/**
 * SOURCE: the body of `embedded`, at the end of this file, is a comment: `/*`, a newline, SOURCE
 * (ASCII, no comment end inside), a newline and `*\/`. Taken from the text Node already read and
 * holds for this file (a function's toString() is a slice of it, not a copy), not read again.
 */
function source() {
  const text = embedded.toString();
  const end = text.length - 4;
  const begin = end - SOURCE_LENGTH;
  if (begin < 3 || text.slice(end) !== '\n*/}' || text.slice(begin - 3, begin) !== '/*\n') {
    process.stderr.write(`scratchnet-predict: ${__filename} is damaged (its end is missing): reinstall it\n`);
    process.exit(1);
  }
  return text.slice(begin, end);
}

/** The cache file of this build on this Node, or undefined when there is no cache directory. */
function cacheFile() {
  try {
    // $HOME first, as os.homedir() does, without loading node:os for it.
    const base =
      process.env.XDG_CACHE_HOME || join(process.env.HOME || require('node:os').homedir(), '.cache');
    return join(base, 'scratchnet', `predict-${SOURCE_KEY}-${process.version}-${process.arch}.v8cache`);
  } catch {
    return undefined;
  }
}

const file = cacheFile();
let cachedData;
if (file !== undefined) {
  try {
    cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
}
// WebAssembly (the CLI's kernels, src/wasm.ts) stays in V8's baseline compiler, Liftoff: on a
// one-shot run, tiering the hot kernels up to TurboFan costs more compile time than it saves
// (measured: ~25 ms of CPU less on a 280×280 PNG). Set before the script is compiled, so that the
// code cache is made and checked under the same flags (V8 rejects a cache made under others).
// Flags change no result: both compilers run the same WebAssembly semantics.
// JavaScript skips V8's baseline compiler, Sparkplug, for the same reason: its machine code for the
// run's warm functions costs more than the interpreter it replaces would (fresh code pages: measured
// ~40 fewer page faults and a few milliseconds of CPU less a run without it). The interpreter and
// the optimizing compiler run the same JavaScript semantics.
// The kernels' module is validated function by function as each is first compiled, not all at once
// when it is made: a run calls a fraction of them (measured: making the module 2.6 → 1.8 ms, medians
// of 15 alternated runs). The module is the build's own, so its validation never fails either way.
setV8Flags('--liftoff-only --no-sparkplug --wasm-lazy-validation');

/**
 * V8's flag setter. The public one, node:v8's, brings Node's stream modules with it (measured: ~5 ms
 * and ~110 fresh pages a run); Node 20 and 22 still give the same function alone through the
 * deprecated process.binding('v8'), whose warning is silenced for this one call. Node 24 has no such
 * binding: there, and wherever the binding fails, node:v8's.
 */
function setV8Flags(flags) {
  let set;
  const quiet = process.noDeprecation;
  process.noDeprecation = true;
  try {
    set = process.binding('v8').setFlagsFromString;
  } catch {
    set = undefined;
  } finally {
    process.noDeprecation = quiet;
  }
  if (typeof set !== 'function') set = require('node:v8').setFlagsFromString;
  set(flags);
}
const script = new Script(source(), { filename: 'scratchnet-predict.js', cachedData });
// Whether this run wrote answers: only such a run's cache holds the whole path of a prediction (one
// made by --help, or by a run whose every image failed, would leave later runs compiling the rest).
let answered = false;
if (file !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
  // After the run, so the cache holds every function this run compiled; written whole, then renamed.
  process.once('exit', () => {
    if (!answered) return;
    try {
      const data = script.createCachedData();
      // One level at a time: a recursive mkdir never returns under some paths (/proc) on Node 20.
      for (const dir of [join(file, '..', '..'), join(file, '..')]) {
        try {
          mkdirSync(dir, { mode: 0o700 });
        } catch (e) {
          if (e?.code !== 'EEXIST') throw e;
        }
      }
      const tmp = `${file}.${process.pid}.tmp`;
      try {
        writeFileSync(tmp, data);
        renameSync(tmp, file);
        // Caches of other builds of the CLI are dead weight: remove them.
        for (const name of readdirSync(join(file, '..'))) {
          if (/^predict-[0-9a-f]{16}-.*\.v8cache$/.test(name) && !name.startsWith(`predict-${SOURCE_KEY}-`)) {
            rmSync(join(file, '..', name), { force: true });
          }
        }
      } catch {
        rmSync(tmp, { force: true });
      }
    } catch {
      // no cache this time: the next run compiles again
    }
  });
}
/**
 * The URL of this file (the bundle's `import.meta.url`): spelled out when the path holds only letters,
 * digits, `_`, `.` and `-` (nothing node:url escapes) and no `.` or `..` segment, since node:url's
 * first pathToFileURL costs about half a millisecond (and several on Node 24); else node:url's.
 */
function fileUrl(path) {
  return /^(?:\/[\w.-]+)+$/.test(path) && !/\/\.\.?(?:\/|$)/.test(path)
    ? `file://${path}`
    : require('node:url').pathToFileURL(path).href;
}
script.runInThisContext()(require, fileUrl(__filename), __filename, () => {
  answered = true;
});
