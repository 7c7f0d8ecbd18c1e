// Shared helpers for the interop scripts: load node-seal 7 (SEAL 4.1.2 in WebAssembly) and
// build a CKKS context from a saved EncryptionParameters file.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cache = process.env.NODE_SEAL_DIR || join(here, '..', '..', '..', '.cache', 'node-seal');
const { default: SEAL } = await import(join(cache, 'node_modules', 'node-seal', 'dist', 'index_throws.js'));
export const seal = await SEAL();

export const COMPR = { none: seal.ComprModeType.none, zlib: seal.ComprModeType.zlib, zstd: seal.ComprModeType.zstd };

export function readBytes(path) {
  return new Uint8Array(readFileSync(path));
}

export function writeBytes(path, bytes) {
  writeFileSync(path, Buffer.from(bytes));
}

/** A SEALContext from a saved EncryptionParameters file; insecure sets allowed for small tests. */
export function contextFromFile(path) {
  const parms = new seal.EncryptionParameters(seal.SchemeType.ckks);
  parms.loadFromArray(readBytes(path));
  const ctx = new seal.SEALContext(parms, true, seal.SecLevelType.none);
  if (!ctx.parametersSet()) throw new Error('invalid encryption parameters in ' + path);
  return ctx;
}

export function load(kind, ctx, path) {
  const obj = new seal[kind]();
  obj.loadFromArray(ctx, readBytes(path));
  return obj;
}

/** Largest absolute difference between the first values.length decoded slots and values. */
export function maxError(decoded, values) {
  let err = 0;
  for (let i = 0; i < values.length; i++) err = Math.max(err, Math.abs(decoded[i] - values[i]));
  return err;
}

/** Deterministic values in [-1, 1) (mulberry32), so both sides can name them in a manifest. */
export function values(count, seed) {
  let s = seed >>> 0;
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = 2 * (((t ^ (t >>> 14)) >>> 0) / 4294967296) - 1;
  }
  return out;
}
