// Runs 512³ GEMMs on the wasm backend with one thread for about `seconds`, prints GFLOPS. Used to
// measure how much parallel throughput the machine gives right now (several of these at once).
import { Random, Tensor, gemm, randomUniform, setBackend } from '@scratchnet/tensor';

const seconds = Number(process.argv[2] ?? 2);
setBackend('wasm', { threads: 1 });
const rng = new Random(3);
const n = 512;
const a = randomUniform([n, n], rng);
const b = randomUniform([n, n], rng);
const c = new Tensor([n, n]);
gemm(a, b, { c });
let calls = 0;
const t = performance.now();
while (performance.now() - t < seconds * 1000) {
  gemm(a, b, { c });
  calls++;
}
process.stdout.write(`${(2 * n ** 3 * calls) / ((performance.now() - t) / 1000) / 1e9}\n`);
