// Times SEAL's CKKS operations in node-seal 7.0.0 (SEAL 4.1.2 compiled to WebAssembly, one thread),
// for the parameter sets of bench/he-vs-seal.sh, and prints one JSON object on stdout.
//
// Usage: node seal-bench.js [--module DIR] [--n 8192,16384] [--quick] [--serve]
//   --module  the node-seal package directory (default: <repo>/.cache/node-seal/node_modules/node-seal)
//   --n       polynomial degrees to run (default: 8192,16384)
//   --quick   fewer repetitions (for a smoke run; the numbers are noisier)
//   --serve   answer timing requests on stdin instead (used by HeVsSealRunner --node, which interleaves
//             node-seal's and our measurements so both see the same load on a shared machine)
// Standalone, progress goes to stderr. Each op: warm-up runs until both a count and a time are reached,
// then repetitions until both a minimum count and a minimum total time are reached; the median is
// reported (robust to the shared machine's noise). bench/he-vs-seal.sh uses serve mode instead.
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
    serve: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--module') args.module = path.resolve(argv[++i]);
    else if (a === '--n') args.n = argv[++i].split(',').map(Number);
    else if (a === '--quick') args.quick = true;
    else if (a === '--serve') args.serve = true;
    else throw new Error(`unknown argument '${a}' (expected --module DIR, --n LIST, --quick, --serve)`);
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

// Builds SEAL objects, keys and inputs for N and returns the timed operations: name -> function that
// runs the op once and returns its own elapsed ms (setup and cleanup stay outside the timing).
function setupN(seal, n) {
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

  // Sanity check: the pipeline computes x*y and the rotation moves slots; a wrong setup would make the
  // timings meaningless.
  {
    const prod = new seal.Ciphertext();
    evaluator.multiply(cx, cy, prod);
    evaluator.relinearizeInplace(prod, rk);
    evaluator.rescaleToNextInplace(prod);
    const pt = new seal.Plaintext();
    decryptor.decrypt(prod, pt);
    const got = encoder.decodeFloat64(pt);
    evaluator.rotateVector(cx, 1, gk, prod);
    decryptor.decrypt(prod, pt);
    const rot = encoder.decodeFloat64(pt);
    let maxErr = 0;
    for (let i = 0; i < slots; i++) {
      maxErr = Math.max(maxErr, Math.abs(got[i] - x[i] * y[i]), Math.abs(rot[i] - x[(i + 1) % slots]));
    }
    if (!(maxErr < 1e-4)) throw new Error(`node-seal self-check failed at N=${n}: max error ${maxErr}`);
    prod.delete();
    pt.delete();
  }

  const out = new seal.Ciphertext();
  const pt = new seal.Plaintext();
  const prod = new seal.Ciphertext();
  evaluator.multiply(cx, cy, prod);
  const ops = {
    encode: () => timed(() => encoder.encode(x, SCALE, pt)),
    encrypt: () => timed(() => encryptor.encrypt(px, out)),
    decrypt_decode: () => timed(() => {
      decryptor.decrypt(cx, pt);
      encoder.decodeFloat64(pt);
    }),
    add: () => timed(() => evaluator.add(cx, cy, out)),
    multiply_plain: () => timed(() => evaluator.multiplyPlain(cx, py, out)),
    multiply_relin_rescale: () => timed(() => {
      evaluator.multiply(cx, cy, out);
      evaluator.relinearizeInplace(out, rk);
      evaluator.rescaleToNextInplace(out);
    }),
    rotate: () => timed(() => evaluator.rotateVector(cx, 1, gk, out)),
    // The parts of multiply+relinearize+rescale, to see where the time goes.
    multiply: () => timed(() => evaluator.multiply(cx, cy, out)),
    relinearize: () => timed(() => evaluator.relinearize(prod, rk, out)),
    rescale: () => timed(() => evaluator.rescaleToNext(cx, out)),
    galois_keygen: () => {
      let keys;
      const t = timed(() => { keys = keygen.createGaloisKeys(); });
      keys.delete();
      return t;
    },
  };
  const close = () => {
    for (const o of [prod, out, pt, cx, cy, px, py, evaluator, decryptor, encryptor, encoder,
      gk, rk, pk, sk, keygen, context, coeff, parms]) {
      o.delete();
    }
  };
  return { ops, slow: new Set(['galois_keygen']), close };
}

function benchN(seal, n, quick) {
  const bench = setupN(seal, n);
  const fast = quick
    ? { warmup: 3, warmupMs: 100, minReps: 5, minTotalMs: 100, maxReps: 50 }
    : { warmup: 10, warmupMs: 1000, minReps: 15, minTotalMs: 1500, maxReps: 2000 };
  const slow = quick
    ? { warmup: 1, warmupMs: 0, minReps: 3, minTotalMs: 0, maxReps: 3 }
    : { warmup: 1, warmupMs: 0, minReps: 5, minTotalMs: 0, maxReps: 5 };
  const results = {};
  for (const [name, fn] of Object.entries(bench.ops)) {
    process.stderr.write(`[node-seal] N=${n} ${name} ...`);
    const r = measure(fn, bench.slow.has(name) ? slow : fast);
    process.stderr.write(` ${r.ms.toFixed(3)} ms (median of ${r.reps})\n`);
    results[name] = r;
  }
  bench.close();
  return results;
}

// Serve mode, for HeVsSealRunner's interleaved measurement: one JSON request per stdin line, one JSON
// answer per stdout line. {"cmd":"setup","n":8192} -> {"ok":true,"ops":[...]};
// {"cmd":"run","op":"rotate","reps":5} -> {"ok":true,"ms":[...]}; {"cmd":"info"} -> {"ok":true,"engine":...,
// "node":...}; {"cmd":"quit"}. Errors -> {"ok":false,"error":...}.
async function serve(seal, info) {
  const readline = require('readline');
  const rl = readline.createInterface({ input: process.stdin, terminal: false });
  let bench = null;
  const reply = (o) => process.stdout.write(JSON.stringify(o) + '\n');
  for await (const line of rl) {
    if (line.trim() === '') continue;
    try {
      const req = JSON.parse(line);
      if (req.cmd === 'setup') {
        if (!PARAMS[req.n]) throw new Error(`unsupported N=${req.n}: only ${Object.keys(PARAMS).join(', ')}`);
        if (bench) bench.close();
        bench = setupN(seal, req.n);
        reply({ ok: true, ops: Object.keys(bench.ops) });
      } else if (req.cmd === 'run') {
        if (!bench) throw new Error('run before setup');
        const fn = bench.ops[req.op];
        if (!fn) throw new Error(`unknown op '${req.op}'`);
        const reps = req.reps;
        if (!Number.isInteger(reps) || reps < 1 || reps > 100000) throw new Error(`reps must be in [1, 100000], got ${reps}`);
        const ms = [];
        for (let i = 0; i < reps; i++) ms.push(fn());
        reply({ ok: true, ms });
      } else if (req.cmd === 'info') {
        reply({ ok: true, ...info });
      } else if (req.cmd === 'quit') {
        break;
      } else {
        throw new Error(`unknown cmd '${req.cmd}'`);
      }
    } catch (e) {
      reply({ ok: false, error: String(e && e.message ? e.message : e) });
    }
  }
  if (bench) bench.close();
  rl.close();
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const pkg = require(path.join(args.module, 'package.json'));
  const { default: SEAL } = await import(pathToFileURL(path.join(args.module, 'dist/index_throws.js')).href);
  const seal = await SEAL();
  const info = { engine: `node-seal ${pkg.version} (SEAL 4.1.2, WebAssembly, 1 thread)`, node: process.version };
  if (args.serve) {
    await serve(seal, info);
    return;
  }
  const report = {
    ...info,
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
