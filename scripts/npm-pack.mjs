// Packs the npm packages as napi-rs projects lay them out: the main `agentphone-rs` (JS, d.ts, the
// wasm build, the bin) listing one package per native platform as optionalDependencies, and each
// platform package (`agentphone-rs-<platform>`, its `os`/`cpu`/`libc` fields letting npm install
// only the one that fits) holding `agentphone-rs.<platform>.node`.
//
//   node scripts/npm-pack.mjs OUT_DIR [--platforms-only] [PLATFORM=ADDON_PATH ...]
//   e.g. node scripts/npm-pack.mjs dist/npm linux-x64-gnu=target/.../libagentphone_node.so
//
// `--platforms-only` packs the platform packages alone (the release workflow's machines that build
// addons have no wasm build for the main package).
//
// The platforms are js/package.json's `napi.targets`; every one is listed in the main package, and a
// platform package is packed for each addon given (the release workflow gives all of them).
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [out, ...rest] = process.argv.slice(2);
if (!out) throw new Error('usage: node scripts/npm-pack.mjs OUT_DIR [--platforms-only] [PLATFORM=ADDON_PATH ...]');
const platformsOnly = rest.includes('--platforms-only');
const addons = rest.filter((arg) => arg !== '--platforms-only');
const outDir = path.resolve(out);
const main = JSON.parse(readFileSync(path.join(root, 'js/package.json'), 'utf8'));
const binaryName = main.napi.binaryName;

/** A Rust target triple as napi-rs names its platform, with npm's os/cpu/libc for it. */
function platformOf(triple) {
  const [arch, , os, abi] = triple.split('-');
  const cpu = { x86_64: 'x64', aarch64: 'arm64' }[arch];
  const nodeOs = { linux: 'linux', darwin: 'darwin', windows: 'win32' }[os];
  if (!cpu || !nodeOs) throw new Error(`js/package.json napi.targets: ${triple} is not a target this script knows`);
  const name = [nodeOs, cpu, ...(abi ? [abi] : [])].join('-');
  return { name, os: nodeOs, cpu, libc: nodeOs === 'linux' ? (abi === 'musl' ? 'musl' : 'glibc') : undefined };
}

const platforms = main.napi.targets.map(platformOf);

function pack(dir) {
  const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], { cwd: dir, encoding: 'utf8' }).trim().split('\n').pop();
  return path.join(outDir, file);
}

const stage = path.join(outDir, 'stage');
rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });

const packed = [];
if (!platformsOnly) {
  // The main package: what `files` lists, and the package.json with its platform packages.
  const mainDir = path.join(stage, main.name);
  for (const entry of [...main.files, 'README.md']) cpSync(path.join(root, 'js', entry), path.join(mainDir, entry), { recursive: true });
  const { devDependencies, scripts, napi, ...published } = main;
  published.optionalDependencies = Object.fromEntries(platforms.map((p) => [`${main.name}-${p.name}`, main.version]));
  writeFileSync(path.join(mainDir, 'package.json'), `${JSON.stringify(published, null, 2)}\n`);
  packed.push(pack(mainDir));
}

for (const spec of addons) {
  const [name, addon] = spec.split('=');
  const platform = platforms.find((p) => p.name === name);
  if (!platform || !addon) throw new Error(`${spec}: give PLATFORM=ADDON_PATH with a platform of napi.targets (${platforms.map((p) => p.name).join(', ')})`);
  const dir = path.join(stage, `${main.name}-${name}`);
  const file = `${binaryName}.${name}.node`;
  mkdirSync(dir, { recursive: true });
  cpSync(path.resolve(addon), path.join(dir, file));
  const pkg = {
    name: `${main.name}-${name}`,
    version: main.version,
    description: `The native addon of ${main.name} for ${name}`,
    license: main.license,
    main: file,
    files: [file],
    os: [platform.os],
    cpu: [platform.cpu],
    ...(platform.libc ? { libc: [platform.libc] } : {}),
    engines: main.engines,
  };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(path.join(dir, 'README.md'), `# ${pkg.name}\n\nThe native addon of \`${main.name}\` for ${name}; install \`${main.name}\`, which picks it.\n`);
  packed.push(pack(dir));
}
rmSync(stage, { recursive: true, force: true });
console.log(packed.join('\n'));
