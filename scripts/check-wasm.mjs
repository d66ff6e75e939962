// Fails the build when the optimised module no longer compiles or no longer instantiates with the
// glue wasm-bindgen generated for it (a wasm-opt feature mismatch shows up here, not in a browser).
// Deliberately knows no export names: the core's exports change, this check should not.
//   node scripts/check-wasm.mjs <dir holding optout_wasm.js and optout_wasm_bg.wasm>
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = resolve(process.argv[2] ?? '');
const wasmPath = join(dir, 'optout_wasm_bg.wasm');
const gluePath = join(dir, 'optout_wasm.js');

const bytes = readFileSync(wasmPath);
const module = await WebAssembly.compile(bytes);

const glue = await import(pathToFileURL(gluePath).href);
if (typeof glue.initSync !== 'function') {
  throw new Error(`${gluePath} has no initSync: was it generated with --target web?`);
}
glue.initSync({ module });

const wasmExports = WebAssembly.Module.exports(module).length;
const jsExports = Object.keys(glue).filter((name) => name !== 'default' && name !== 'initSync');
console.log(
  `ok: ${bytes.length} bytes, ${wasmExports} wasm exports, JS exports: ${jsExports.join(', ') || '(none)'}`,
);
