// Usage: node decrypt.mjs PARAMS SECRET CIPHERTEXT [VALUES.f64 ...]
// The client side of a round trip: SEAL (node-seal 7.0.0 = SEAL 4.1.2) loads a ciphertext, decrypts it with
// the secret key and prints the first slots; given .f64 files (little-endian doubles, as make-fixtures.mjs
// writes them) it also prints the largest error against their slot-wise product.
import { readFileSync } from 'node:fs';
import { seal, contextFromFile, load, maxError } from './seal.mjs';

const [paramsFile, secretFile, ctFile, ...valueFiles] = process.argv.slice(2);
const ctx = contextFromFile(paramsFile);
const decryptor = new seal.Decryptor(ctx, load('SecretKey', ctx, secretFile));
const ct = load('Ciphertext', ctx, ctFile);
const pt = new seal.Plaintext();
decryptor.decrypt(ct, pt);
const slots = new seal.CKKSEncoder(ctx).decodeFloat64(pt);
console.log(`level ${ctx.getContextData(ct.parmsId()).chainIndex()}, scale 2^${Math.log2(ct.scale()).toFixed(3)}, first slots:`,
  Array.from(slots.slice(0, 4), (x) => x.toFixed(6)).join(' '));
if (valueFiles.length > 0) {
  const vectors = valueFiles.map((f) => new Float64Array(new Uint8Array(readFileSync(f)).buffer));
  const expect = Array.from(vectors[0], (_, i) => vectors.reduce((p, v) => p * v[i], 1));
  const err = maxError(slots, expect);
  console.log(`max |error| over ${expect.length} slots vs the product of ${valueFiles.length} vector(s): ${err.toExponential(3)} = 2^${Math.log2(err).toFixed(1)}`);
}
