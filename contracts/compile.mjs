// Compiles solidity/**/*.sol with solc-js (offline, the version pinned in package.json) against OpenZeppelin
// from node_modules, and writes each contract's ABI and bytecode for web3j's wrapper generator:
//   node compile.mjs <out dir>   ->  <out>/main/<Name>.abi|.bin, <out>/test/<Name>.abi|.bin
// Test-only contracts (solidity/test/) go under test/. Any compiler error or warning fails the build.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const solc = require('solc');
const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.resolve(process.argv[2] ?? path.join(here, 'target', 'solc'));

function sources(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.sol') ? [path.join(dir, e.name)] : []);
}

const root = path.join(here, 'solidity');
const input = {
  language: 'Solidity',
  sources: Object.fromEntries(sources(root).map(f => [path.relative(here, f).split(path.sep).join('/'), { content: fs.readFileSync(f, 'utf8') }])),
  settings: {
    optimizer: { enabled: true, runs: 200 },
    viaIR: true,
    evmVersion: 'cancun',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
  },
};

function findImports(p) {
  for (const base of [here, path.join(here, 'node_modules')]) {
    const f = path.join(base, p);
    if (fs.existsSync(f)) return { contents: fs.readFileSync(f, 'utf8') };
  }
  return { error: `not found: ${p}` };
}

const result = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const problems = (result.errors ?? []).filter(e => e.severity === 'error' || e.severity === 'warning');
for (const e of result.errors ?? []) console.error(e.formattedMessage);
if (problems.length) {
  console.error(`solc ${solc.version()}: ${problems.length} error(s)/warning(s)`);
  process.exit(1);
}

let n = 0;
for (const [file, contracts] of Object.entries(result.contracts)) {
  if (!file.startsWith('solidity/')) continue;
  const kind = file.startsWith('solidity/test/') ? 'test' : 'main';
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces
    const dir = path.join(out, kind);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.abi`), JSON.stringify(c.abi));
    fs.writeFileSync(path.join(dir, `${name}.bin`), c.evm.bytecode.object);
    n++;
  }
}
console.log(`solc ${solc.version()}: ${n} contracts -> ${out}`);
