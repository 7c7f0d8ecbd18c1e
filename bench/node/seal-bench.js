// Times SEAL's CKKS operations in node-seal 7.0.0 (SEAL 4.1.2 compiled to WebAssembly, one thread),
// for the parameter sets of bench/he-vs-seal.sh, and prints one JSON object on stdout.
//
// Usage: node seal-bench.js [--module DIR] [--n 8192,16384] [--quick]
//   --module  the node-seal package directory (default: <repo>/.cache/node-seal/node_modules/node-seal)
//   --n       polynomial degrees to run (default: 8192,16384)
//   --quick   fewer repetitions (for a smoke run; the numbers are noisier)
// Progress goes to stderr. Each op: warm-up runs until both a count and a time are reached, then
// repetitions until both a minimum count and a minimum total time are reached; the median is reported
// (robust to the shared machine's noise). The Java side (MedianTimer) uses the same rule and settings.
'use strict';

const path = require('path');
const { pathToFileURL } = require('url');
const { performance } = require('perf_hooks');

// Same parameter sets as the Java runner (HeVsSealRunner): 128-bit secure per the HE standard.
const PARAMS = {
  8192: [60, 40, 40, 60],
  16384: [60, 40, 40, 40, 40, 40, 40, 60],
};
const SCALE = 2 ** 40;

function parseArgs(argv) {
  const args = {
    module: path.resolve(__dirname, '../../.cache/node-seal/node_modules/node-seal'),
    n: [8192, 16384],
    quick: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--module') args.module = path.resolve(argv[++i]);
    else if (a === '--n') args.n = argv[++i].split(',').map(Number);
    else if (a === '--quick') args.quick = true;
    else throw new Error(`unknown argument '${a}' (expected --module DIR, --n LIST, --quick)`);
  }
  for (const n of args.n) {
    if (!PARAMS[n]) throw new Error(`unsupported N=${n}: only ${Object.keys(PARAMS).join(', ')}`);
  }
  return args;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

// Runs fn (which returns its own elapsed ms, so setup/cleanup stay outside the timing) at least warmup
// times and for warmupMs, then at least minReps times and until minTotalMs of measured time (at most
// maxReps); returns the median and count.
function measure(fn, { warmup, warmupMs, minReps, minTotalMs, maxReps }) {
  let warm = 0;
  for (let i = 0; i < warmup || warm < warmupMs; i++) warm += fn();
  const times = [];
  let total = 0;
  while (times.length < minReps || (total < minTotalMs && times.length < maxReps)) {
    const t = fn();
    times.push(t);
    total += t;
  }
  return { ms: median(times), reps: times.length };
}

function timed(body) {
  const t0 = performance.now();
  body();
  return performance.now() - t0;
}

function benchN(seal, n, quick) {
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.setPolyModulusDegree(n);
  const coeff = seal.CoeffModulus.Create(n, Int32Array.from(PARAMS[n]));
  parms.setCoeffModulus(coeff);
  const context = new seal.SEALContext(parms, true, seal.SecLevelType.tc128);
  if (!context.parametersSet()) throw new Error(`SEAL rejected the parameters for N=${n}`);

  const keygen = new seal.KeyGenerator(context);
  const sk = keygen.secretKey();
  const pk = keygen.createPublicKey();
  const rk = keygen.createRelinKeys();
  const gk = keygen.createGaloisKeys();
  const encoder = new seal.CKKSEncoder(context);
  const encryptor = new seal.Encryptor(context, pk);
  const decryptor = new seal.Decryptor(context, sk);
  const evaluator = new seal.Evaluator(context);

  const slots = encoder.slotCount();
  const x = new Float64Array(slots);
  const y = new Float64Array(slots);
  for (let i = 0; i < slots; i++) {
    x[i] = Math.random() * 2 - 1;
    y[i] = Math.random() * 2 - 1;
  }
  const px = new seal.Plaintext();
  const py = new seal.Plaintext();
  encoder.encode(x, SCALE, px);
  encoder.encode(y, SCALE, py);
  const cx = new seal.Ciphertext();
  const cy = new seal.Ciphertext();
  encryptor.encrypt(px, cx);
  encryptor.encrypt(py, cy);

  // Sanity check: the pipeline computes x*y; a wrong setup would make the timings meaningless.
  {
    const prod = new seal.Ciphertext();
    evaluator.multiply(cx, cy, prod);
    evaluator.relinearizeInplace(prod, rk);
    evaluator.rescaleToNextInplace(prod);
    const pt = new seal.Plaintext();
    decryptor.decrypt(prod, pt);
    const got = encoder.decodeFloat64(pt);
    let maxErr = 0;
    for (let i = 0; i < slots; i++) maxErr = Math.max(maxErr, Math.abs(got[i] - x[i] * y[i]));
    if (!(maxErr < 1e-4)) throw new Error(`node-seal self-check failed at N=${n}: max error ${maxErr}`);
    prod.delete();
    pt.delete();
  }

  const fast = quick
    ? { warmup: 3, warmupMs: 100, minReps: 5, minTotalMs: 100, maxReps: 50 }
    : { warmup: 10, warmupMs: 1000, minReps: 15, minTotalMs: 1500, maxReps: 2000 };
  const slow = quick
    ? { warmup: 1, warmupMs: 0, minReps: 3, minTotalMs: 0, maxReps: 3 }
    : { warmup: 1, warmupMs: 0, minReps: 5, minTotalMs: 0, maxReps: 5 };
  const out = new seal.Ciphertext();
  const pt = new seal.Plaintext();
  const results = {};
  const run = (name, cfg, fn) => {
    process.stderr.write(`[node-seal] N=${n} ${name} ...`);
    const r = measure(fn, cfg);
    process.stderr.write(` ${r.ms.toFixed(3)} ms (median of ${r.reps})\n`);
    results[name] = r;
  };

  run('encode', fast, () => timed(() => encoder.encode(x, SCALE, pt)));
  run('encrypt', fast, () => timed(() => encryptor.encrypt(px, out)));
  run('decrypt_decode', fast, () => timed(() => {
    decryptor.decrypt(cx, pt);
    encoder.decodeFloat64(pt);
  }));
  run('add', fast, () => timed(() => evaluator.add(cx, cy, out)));
  run('multiply_plain', fast, () => timed(() => evaluator.multiplyPlain(cx, py, out)));
  run('multiply_relin_rescale', fast, () => timed(() => {
    evaluator.multiply(cx, cy, out);
    evaluator.relinearizeInplace(out, rk);
    evaluator.rescaleToNextInplace(out);
  }));
  run('rotate', fast, () => timed(() => evaluator.rotateVector(cx, 1, gk, out)));
  // The parts of multiply+relinearize+rescale, to see where the time goes.
  const prod = new seal.Ciphertext();
  evaluator.multiply(cx, cy, prod);
  run('multiply', fast, () => timed(() => evaluator.multiply(cx, cy, out)));
  run('relinearize', fast, () => timed(() => evaluator.relinearize(prod, rk, out)));
  run('rescale', fast, () => timed(() => evaluator.rescaleToNext(cx, out)));
  run('galois_keygen', slow, () => {
    let keys;
    const t = timed(() => { keys = keygen.createGaloisKeys(); });
    keys.delete();
    return t;
  });

  for (const o of [prod, out, pt, cx, cy, px, py, evaluator, decryptor, encryptor, encoder,
    gk, rk, pk, sk, keygen, context, coeff, parms]) {
    o.delete();
  }
  return results;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const pkg = require(path.join(args.module, 'package.json'));
  const { default: SEAL } = await import(pathToFileURL(path.join(args.module, 'dist/index_throws.js')).href);
  const seal = await SEAL();
  const report = {
    engine: `node-seal ${pkg.version} (SEAL 4.1.2, WebAssembly, 1 thread)`,
    node: process.version,
    scaleBits: 40,
    results: {},
  };
  for (const n of args.n) {
    report.results[n] = { primes: PARAMS[n], ops: benchN(seal, n, args.quick) };
  }
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
}

main().catch((e) => {
  process.stderr.write(`seal-bench failed: ${e && e.stack ? e.stack : e}\n`);
  process.exit(1);
});
