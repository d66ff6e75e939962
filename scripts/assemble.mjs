// Lays out the two unpacked extensions the browsers load:
//   dist/chromium/ and dist/firefox/ = extension/* + wasm/ (wasm-bindgen glue and module) + a
//   manifest.json cut from the top-level one for that browser.
//   node scripts/assemble.mjs --root <repo> --wasm <dir with optout_wasm.js> --dist <dist dir>
//
// The top-level manifest.json carries both browsers' keys because neither browser accepts the
// other's background declaration in MV3: Chromium wants only a service worker, Firefox only
// background scripts.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VARIANTS = ['chromium', 'firefox'];

export function manifestFor(variant, manifest) {
  const out = structuredClone(manifest);
  if (variant === 'chromium') {
    delete out.browser_specific_settings;
    if (out.background) delete out.background.scripts;
  } else if (variant === 'firefox') {
    if (out.background) delete out.background.service_worker;
  } else {
    throw new Error(`unknown variant ${variant}`);
  }
  return out;
}

// Every file a manifest names, so a typo fails the build instead of the browser's load.
export function referencedFiles(manifest) {
  const files = [];
  const add = (value) => {
    if (typeof value === 'string') files.push(value);
    else if (Array.isArray(value)) value.forEach(add);
    else if (value && typeof value === 'object') Object.values(value).forEach(add);
  };
  add(manifest.background?.service_worker);
  add(manifest.background?.scripts);
  add(manifest.background?.page);
  for (const cs of manifest.content_scripts ?? []) {
    add(cs.js);
    add(cs.css);
  }
  add(manifest.action?.default_popup);
  add(manifest.action?.default_icon);
  add(manifest.icons);
  add(manifest.options_ui?.page);
  add(manifest.options_page);
  add(manifest.side_panel?.default_path);
  add(manifest.devtools_page);
  for (const war of manifest.web_accessible_resources ?? []) add(war.resources);
  if (manifest.default_locale) files.push(`_locales/${manifest.default_locale}/messages.json`);
  // Globs in web_accessible_resources cannot be checked file by file.
  return [...new Set(files)].filter((f) => !f.includes('*')).map((f) => f.replace(/^\//, ''));
}

function fail(message) {
  console.error(`error: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i];
    if (!key.startsWith('--') || argv[i + 1] === undefined) fail(`bad arguments: ${argv.join(' ')}`);
    args[key.slice(2)] = resolve(argv[i + 1]);
  }
  for (const key of ['root', 'wasm', 'dist']) if (!args[key]) fail(`--${key} is required`);
  return args;
}

function checkVariant(variant, manifest) {
  if (manifest.manifest_version !== 3) fail(`manifest.json: manifest_version must be 3`);
  if (!/^\d+(\.\d+){0,3}$/.test(String(manifest.version ?? ''))) {
    fail(`manifest.json: version "${manifest.version}" is not 1 to 4 dot-separated integers`);
  }
  const bg = manifest.background;
  if (bg && variant === 'chromium' && !bg.service_worker) {
    fail('manifest.json: background.service_worker is needed for Chromium');
  }
  if (bg && variant === 'firefox' && !(Array.isArray(bg.scripts) && bg.scripts.length > 0)) {
    fail('manifest.json: background.scripts is needed for Firefox');
  }
  if (variant === 'firefox' && !manifest.browser_specific_settings?.gecko?.id) {
    fail('manifest.json: browser_specific_settings.gecko.id is needed for Firefox');
  }
}

function main() {
  const { root, wasm, dist } = parseArgs(process.argv.slice(2));
  const manifestPath = join(root, 'manifest.json');
  const extensionDir = join(root, 'extension');

  if (!existsSync(manifestPath)) {
    fail(`${manifestPath} is missing: the top-level manifest.json is the extension's manifest`);
  }
  if (!existsSync(extensionDir) || !statSync(extensionDir).isDirectory()) {
    fail(`${extensionDir}/ is missing: it holds the extension's scripts and pages`);
  }
  for (const clash of ['manifest.json', 'wasm']) {
    if (existsSync(join(extensionDir, clash))) {
      fail(`extension/${clash} would be overwritten by the build: remove it (the build supplies it)`);
    }
  }
  for (const f of ['optout_wasm.js', 'optout_wasm_bg.wasm']) {
    if (!existsSync(join(wasm, f))) fail(`${join(wasm, f)} is missing: build the wasm first`);
  }

  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    fail(`manifest.json is not valid JSON: ${e.message}`);
  }

  mkdirSync(dist, { recursive: true });
  for (const variant of VARIANTS) {
    const out = join(dist, variant);
    const variantManifest = manifestFor(variant, manifest);
    checkVariant(variant, variantManifest);

    rmSync(out, { recursive: true, force: true });
    // Editor and OS litter (.swp, .DS_Store) must not reach a store upload.
    cpSync(extensionDir, out, { recursive: true, filter: (src) => !basename(src).startsWith('.') || src === extensionDir });
    cpSync(wasm, join(out, 'wasm'), { recursive: true });
    writeFileSync(join(out, 'manifest.json'), `${JSON.stringify(variantManifest, null, 2)}\n`);

    const missing = referencedFiles(variantManifest).filter((f) => !existsSync(join(out, f)));
    if (missing.length > 0) {
      fail(`manifest.json names files that are not in extension/: ${missing.join(', ')}`);
    }
    console.log(`${variant}: ${out} (version ${variantManifest.version})`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
