// Joins the JSON of our engine (io.blindtuner.bench.he.HeVsSealRunner) and of node-seal
// (seal-bench.js) into the readable table and the TSV block printed by bench/he-vs-seal.sh.
//
// Usage: node report.js [--reference] [--report FILE] --ours OURS.json... --seal REFERENCE.json...
// (--reference: the reference side is a program run in node-seal's place, see he-vs-seal.sh --reference;
// --report: also write every row of the table, with the run's context, as JSON to FILE)
// With several rounds per side, each cell is the best (lowest) median over the rounds: load from other
// processes on a shared machine only ever slows a run down.
// Ratios: "vs node-seal" = node-seal ms / ours ms with 1 thread (> 1 means we are faster);
// "2-thread speedup" = ours 1 thread ms / ours 2 threads ms.
'use strict';

const fs = require('fs');

// The ops of the issue's table, in its order, with the target ratio against node-seal (1 thread).
const OPS = [
  ['encode', 'encode', 1.5],
  ['encrypt', 'encrypt (public key)', 1.5],
  ['decrypt_decode', 'decrypt + decode', 1.5],
  ['add', 'add', 1.5],
  ['multiply_plain', 'multiply_plain', 3],
  ['multiply_relin_rescale', 'multiply + relin + rescale', 3],
  ['rotate', 'rotate by 1', 3],
  ['galois_keygen', 'Galois keys (all 2^k steps)', 1.5],
];
// Parts of multiply+relin+rescale, shown to locate the time, not targets of their own: [our key, label,
// node-seal key]. Ours times multiply_relin_rescale with the engine's fused call (one division by P*q_level);
// the three separate calls, which is what node-seal runs, are compared to the same node-seal figure.
const PARTS = [
  ['multiply_relin_rescale_3calls', 'as 3 calls (SEAL\'s way)', 'multiply_relin_rescale'],
  ['multiply', 'multiply (no relin)', 'multiply'],
  ['relinearize', 'relinearize', 'relinearize'],
  ['rescale', 'rescale', 'rescale'],
];
// The training path: the same ops with the keys our own clients make (BenchParams.trainingParameters, hybrid key
// switching at N=16384), against the reference's SEAL-layout op, which is what a user would otherwise run:
// [our key, label, reference key].
const TRAINING = [
  ['multiply_relin_rescale_training', 'multiply + relin + rescale', 'multiply_relin_rescale'],
  ['rotate_training', 'rotate by 1', 'rotate'],
];
// Not HE: two equal chunks of integer work through the engine's Parallelism. Its "2t speedup" is what
// this run could get from a second core at all (about 2x on an idle 2-core machine, ~1x when other
// sessions keep the CPUs busy), the yardstick for the 2-thread column.
const CONTROL = ['parallel_control', 'control: parallel loop (no HE)'];
// Ops whose 2-thread speedup is a target.
const SPEEDUP_TARGETS = {
  multiply_relin_rescale: 1.7, rotate: 1.7, multiply_relin_rescale_training: 1.7, rotate_training: 1.7,
};

function load(file, what) {
  let text;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the ${what} results '${file}': ${e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`the ${what} results '${file}' are not valid JSON: ${e.message}`);
  }
}

function fmtMs(ms) {
  if (ms === undefined) return 'n/a';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  if (ms >= 1) return ms.toFixed(2);
  return ms.toFixed(3);
}

function fmtRatio(r) {
  return r === undefined || !isFinite(r) ? 'n/a' : r.toFixed(2) + 'x';
}

function pad(s, w, left) {
  s = String(s);
  return left ? s.padEnd(w) : s.padStart(w);
}

// Merges rounds: results[N].ops[op] keeps, per thread count (ours) or directly (node-seal), the lowest ms.
function best(rounds) {
  const merged = JSON.parse(JSON.stringify(rounds[0]));
  const better = (cur, cand) => (cand && (!cur || cand.ms < cur.ms) ? cand : cur);
  for (const r of rounds.slice(1)) {
    for (const [n, res] of Object.entries(r.results)) {
      if (!merged.results[n]) {
        merged.results[n] = res;
        continue;
      }
      const ops = merged.results[n].ops;
      for (const [op, v] of Object.entries(res.ops)) {
        if (typeof v.ms === 'number') {
          ops[op] = better(ops[op], v);
        } else {
          ops[op] = ops[op] || {};
          for (const [t, tv] of Object.entries(v)) ops[op][t] = better(ops[op][t], tv);
        }
      }
    }
  }
  merged.rounds = rounds.length;
  return merged;
}

const USAGE = 'usage: node report.js [--reference] [--report FILE] --ours OURS.json... --seal REFERENCE.json...';

function parseArgs(argv) {
  const files = { ours: [], seal: [], reference: false, report: null };
  let side = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--reference' && side === null) files.reference = true;
    else if (a === '--report' && side === null) {
      if (i + 1 >= argv.length) throw new Error(`--report needs a file: ${USAGE}`);
      files.report = argv[++i];
    } else if (a === '--ours') side = 'ours';
    else if (a === '--seal') side = 'seal';
    else if (side) files[side].push(a);
    else throw new Error(`unexpected '${a}': ${USAGE}`);
  }
  if (files.ours.length === 0 || files.seal.length === 0) throw new Error(USAGE);
  return files;
}

function main() {
  const files = parseArgs(process.argv.slice(2));
  const ours = best(files.ours.map((f) => load(f, 'our engine')));
  // node-seal unless --reference: another program in its place (labelled with what its info answered), against
  // which the issue's ratio targets (set against node-seal) are not shown.
  const refName = files.reference ? 'reference' : 'node-seal';
  const seal = best(files.seal.map((f) => load(f, refName)));
  const lines = [];
  const tsv = [];
  const rows = [];
  const ns = Object.keys(ours.results).filter((n) => seal.results[n]).sort((a, b) => a - b);
  if (ns.length === 0) throw new Error('no polynomial degree was measured by both engines');

  lines.push(`ours:      ${ours.engine} on ${ours.jvm}`);
  lines.push(files.reference ? `reference: ${seal.engine} (${seal.node})` : `node-seal: ${seal.engine} on Node ${seal.node}`);
  lines.push(`times: median ms${ours.rounds > 1 || seal.rounds > 1 ? `, best of ${ours.rounds} rounds` : ''}; ` +
    `"vs ${refName}" = ${refName} / ours (1 thread)${files.reference ? ';' : ', target in brackets;'}`);
  lines.push('"2t speedup" = ours 1 thread / ours 2 threads.');
  const header = [pad('op', 30, true), pad('N', 6), pad('ours 1t', 10), pad('ours 2t', 10),
    pad(refName, 10), pad('vs ' + refName, 18), pad('2t speedup', 16)].join(' ');
  for (const n of ns) {
    const o = ours.results[n].ops;
    const s = seal.results[n].ops;
    lines.push('');
    lines.push(`N=${n}, primes [${ours.results[n].primes.join(',')}], scale 2^40`);
    lines.push(header);
    lines.push('-'.repeat(header.length));
    const row = (key, label, target, sealKey = key, section = 'table') => {
      const one = o[key] && o[key]['1'] ? o[key]['1'].ms : undefined;
      const two = o[key] && o[key]['2'] ? o[key]['2'].ms : undefined;
      const ref = s[sealKey] ? s[sealKey].ms : undefined;
      const ratio = one === undefined || ref === undefined ? undefined : ref / one;
      const speedup = one === undefined || two === undefined ? undefined : one / two;
      let vs = fmtRatio(ratio);
      if (target !== undefined && ratio !== undefined && !files.reference) {
        vs += ` [${target}x ${ratio >= target ? 'met' : 'MISSED'}]`;
      }
      let sp = fmtRatio(speedup);
      const st = SPEEDUP_TARGETS[key];
      if (st !== undefined && speedup !== undefined) sp += ` [${st}x ${speedup >= st ? 'met' : 'MISSED'}]`;
      lines.push([pad(label, 30, true), pad(n, 6), pad(fmtMs(one), 10), pad(fmtMs(two), 10),
        pad(fmtMs(ref), 10), pad(vs, 18), pad(sp, 16)].join(' '));
      rows.push({
        section, op: key, label: label.trim(), n: Number(n), ours_1thread_ms: one ?? null, ours_2threads_ms: two ?? null,
        reference_op: sealKey, reference_ms: ref ?? null, reference_over_ours: ratio ?? null, speedup_2threads: speedup ?? null,
      });
      return { one, two, ref };
    };
    for (const [key, label, target] of OPS) {
      const r = row(key, label, target);
      tsv.push(['BENCH', key, n, fmtTsv(r.one), fmtTsv(r.two), fmtTsv(r.ref)].join('\t'));
    }
    if (TRAINING.some(([key]) => o[key])) {
      lines.push(`  training path (${ours.results[n].trainingParameters || 'training keys'}), vs the ${refName} SEAL-layout op:`);
      for (const [key, label, sealKey] of TRAINING) {
        const r = row(key, '  ' + label, undefined, sealKey, 'training');
        tsv.push(['BENCH', key, n, fmtTsv(r.one), fmtTsv(r.two), fmtTsv(r.ref)].join('\t'));
      }
    }
    lines.push('  multiply + relin + rescale above is our fused call; its parts:');
    for (const [key, label, sealKey] of PARTS) row(key, '  ' + label, undefined, sealKey, 'parts');
    if (o[CONTROL[0]]) row(CONTROL[0], CONTROL[1], undefined, CONTROL[0], 'control');
  }
  lines.push('');
  lines.push(`TSV (BENCH op N ours_1thread_ms ours_2threads_ms ${files.reference ? 'reference' : 'nodeseal'}_ms):`);
  process.stdout.write(lines.join('\n') + '\n' + tsv.join('\n') + '\n');
  if (files.report) {
    const os = require('os');
    const report = {
      generated: new Date().toISOString(),
      machine: { cpu: os.cpus()[0].model, cores: os.cpus().length, loadavg: os.loadavg() },
      ours: { engine: ours.engine, jvm: ours.jvm, rounds: ours.rounds || 1 },
      reference: { kind: refName, engine: seal.engine, runtime: seal.node, rounds: seal.rounds || 1 },
      trainingParameters: Object.fromEntries(ns.map((n) => [n, ours.results[n].trainingParameters || null])),
      rows,
    };
    fs.writeFileSync(files.report, JSON.stringify(report, null, 2) + '\n');
  }
}

function fmtTsv(ms) {
  return ms === undefined ? 'NA' : ms.toFixed(4);
}

try {
  main();
} catch (e) {
  process.stderr.write(`report failed: ${e.message}\n`);
  process.exit(1);
}
