// Usage: node check.mjs TASKS.json
// Loads objects written by the Java side with node-seal (SEAL 4.1.2) and uses them; prints one line per
// result: "RESULT<TAB>task<TAB>op<TAB>maxAbsError" or "ERROR<TAB>task<TAB>message". Task types:
//  decrypt:  {params, secret, ciphertext, expect[]}            - SEAL loads and decrypts a ciphertext
//  use-keys: {params, secret, public, relin, galois, a[], b[], steps[]}
//            - SEAL encrypts a, b with the public key (and a with the secret key, symmetric), then
//              add, multiply+relinearize+rescale, rotate by each step, conjugate, and decrypts with the secret key.
import { readFileSync } from 'node:fs';
import { seal, contextFromFile, load, maxError } from './seal.mjs';

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const results = [];
// Building a SEALContext costs seconds at N = 16384 in WebAssembly: one per parameter file.
const contexts = new Map();
const contextOf = (path) => {
  if (!contexts.has(path)) contexts.set(path, contextFromFile(path));
  return contexts.get(path);
};

for (const task of spec.tasks) {
  try {
    const ctx = contextOf(task.params);
    const encoder = new seal.CKKSEncoder(ctx);
    const sk = load('SecretKey', ctx, task.secret);
    const decryptor = new seal.Decryptor(ctx, sk);
    const decrypt = (ct) => { const pt = new seal.Plaintext(); decryptor.decrypt(ct, pt); return encoder.decodeFloat64(pt); };
    if (task.type === 'decrypt') {
      const ct = load('Ciphertext', ctx, task.ciphertext);
      results.push([task.name, 'decrypt', maxError(decrypt(ct), task.expect)]);
    } else if (task.type === 'use-keys') {
      const pk = load('PublicKey', ctx, task.public);
      const rk = load('RelinKeys', ctx, task.relin);
      const gk = load('GaloisKeys', ctx, task.galois);
      const evaluator = new seal.Evaluator(ctx);
      const slots = encoder.slotCount();
      const scale = task.scale;
      const encode = (v) => { const pt = new seal.Plaintext(); encoder.encode(Float64Array.from(v), scale, pt); return pt; };
      const encryptor = new seal.Encryptor(ctx, pk, sk);
      const ctA = new seal.Ciphertext();
      encryptor.encrypt(encode(task.a), ctA);
      const ctB = new seal.Ciphertext();
      encryptor.encrypt(encode(task.b), ctB);
      const ops = {};
      ops.encrypt = maxError(decrypt(ctA), task.a);
      const sym = new seal.Ciphertext();
      encryptor.encryptSymmetric(encode(task.a), sym);
      ops.encryptSymmetric = maxError(decrypt(sym), task.a);
      const sum = new seal.Ciphertext();
      evaluator.add(ctA, ctB, sum);
      ops.add = maxError(decrypt(sum), task.a.map((x, i) => x + task.b[i]));
      const prod = new seal.Ciphertext();
      evaluator.multiply(ctA, ctB, prod);
      evaluator.relinearizeInplace(prod, rk);
      evaluator.rescaleToNextInplace(prod);
      ops.multiply = maxError(decrypt(prod), task.a.map((x, i) => x * task.b[i]));
      for (const step of task.steps) {
        const rot = new seal.Ciphertext();
        evaluator.rotateVector(ctA, step, gk, rot);
        const expect = task.a.map((_, i) => task.a[(((i + step) % slots) + slots) % slots]);
        ops['rotate' + step] = maxError(decrypt(rot), expect);
      }
      const conj = new seal.Ciphertext();
      evaluator.complexConjugate(ctA, gk, conj);
      ops.conjugate = maxError(decrypt(conj), task.a);
      for (const [op, err] of Object.entries(ops)) results.push([task.name, op, err]);
    } else {
      throw new Error('unknown task type ' + task.type);
    }
  } catch (e) {
    const msg = String(e && e.message !== undefined ? e.message : e).replace(/\s+/g, ' ');
    results.push([task.name, 'ERROR', msg]);
  }
}
for (const [name, op, value] of results) {
  console.log(op === 'ERROR' ? `ERROR\t${name}\t${value}` : `RESULT\t${name}\t${op}\t${value}`);
}
