// Usage: node make-fixtures.mjs OUT_DIR NAME N BITS(comma list) LOG_SCALE STEPS(comma list, 0 = conjugation)
// Writes, with node-seal (SEAL 4.1.2), a CKKS parameter set, its keys (plain and seeded), plaintexts and
// ciphertexts (public-key, seeded symmetric, zlib, zstd) to OUT_DIR/NAME/*.bin and a manifest naming
// the encrypted values (manifest.properties, a.f64, b.f64), so the Java side can check what it decrypts and evaluates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seal, COMPR, writeBytes, values } from './seal.mjs';

const [outDir, name, nArg, bitsArg, logScaleArg, stepsArg] = process.argv.slice(2);
const n = Number(nArg);
const bits = bitsArg.split(',').map(Number);
const scale = 2 ** Number(logScaleArg);
const steps = stepsArg.split(',').map(Number);
const dir = join(outDir, name);
mkdirSync(dir, { recursive: true });

const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
parms.setPolyModulusDegree(n);
parms.setCoeffModulus(seal.CoeffModulus.Create(n, Int32Array.from(bits)));
const ctx = new seal.SEALContext(parms, true, seal.SecLevelType.none);
if (!ctx.parametersSet()) throw new Error('parameters not set');

const files = {};
const save = (file, bytes) => { writeBytes(join(dir, file), bytes); files[file] = bytes.length; };
save('params.bin', parms.saveToArray(COMPR.none));

const keygen = new seal.KeyGenerator(ctx);
const sk = keygen.secretKey();
const pk = keygen.createPublicKey();
save('secret.bin', sk.saveToArray(COMPR.none));
save('public.bin', pk.saveToArray(COMPR.none));
save('public_seeded.bin', keygen.createPublicKeySerializable().saveToArray(COMPR.none));
save('relin.bin', keygen.createRelinKeys().saveToArray(COMPR.none));
save('relin_seeded.bin', keygen.createRelinKeysSerializable().saveToArray(COMPR.none));
const stepArray = Int32Array.from(steps);
save('galois.bin', keygen.createGaloisKeysWithSteps(stepArray).saveToArray(COMPR.none));
save('galois_seeded_zstd.bin', keygen.createGaloisKeysSerializableWithSteps(stepArray).saveToArray(COMPR.zstd));

const encoder = new seal.CKKSEncoder(ctx);
const slots = encoder.slotCount();
const a = values(slots, 1);
const b = values(slots, 2);
const encode = (v) => { const pt = new seal.Plaintext(); encoder.encode(Float64Array.from(v), scale, pt); return pt; };
const ptA = encode(a);
const ptB = encode(b);
save('pt_b.bin', ptB.saveToArray(COMPR.none));

const encryptor = new seal.Encryptor(ctx, pk, sk);
const ctA = new seal.Ciphertext();
encryptor.encrypt(ptA, ctA);
const ctB = new seal.Ciphertext();
encryptor.encrypt(ptB, ctB);
save('ct_a.bin', ctA.saveToArray(COMPR.none));
save('ct_b.bin', ctB.saveToArray(COMPR.none));
save('ct_a_zlib.bin', ctA.saveToArray(COMPR.zlib));
save('ct_a_zstd.bin', ctA.saveToArray(COMPR.zstd));
const evaluator = new seal.Evaluator(ctx);
const relinKeys = keygen.createRelinKeys();
const ctAB = new seal.Ciphertext();
evaluator.multiply(ctA, ctB, ctAB);
evaluator.relinearizeInplace(ctAB, relinKeys);
save('ct_ab_unrescaled.bin', ctAB.saveToArray(COMPR.none)); // scale^2: for the rescale operation
save('ct_a_seeded.bin', encryptor.encryptSymmetricSerializable(ptA).saveToArray(COMPR.none));
save('ct_a_seeded_zlib.bin', encryptor.encryptSymmetricSerializable(ptA).saveToArray(COMPR.zlib));

const primes = Array.from(seal.jsArrayFromVecModulus(parms.coeffModulus()), (m) => m.toString());
save('a.f64', new Uint8Array(Float64Array.from(a).buffer));
save('b.f64', new Uint8Array(Float64Array.from(b).buffer));
// Java reads this with java.util.Properties; the values are in a.f64 / b.f64 (little-endian doubles).
writeFileSync(join(dir, 'manifest.properties'), [
  'seal=4.1.2 (node-seal 7.0.0)', `n=${n}`, `bits=${bits.join(',')}`, `primes=${primes.join(',')}`,
  `scale=${scale}`, `slots=${slots}`, `steps=${steps.join(',')}`,
  ...Object.entries(files).map(([f, len]) => `file.${f}=${len}`),
].join('\n') + '\n');
console.log(JSON.stringify({ dir, files }));
