// Compiles every contracts/*.sol with the npm-pinned solcjs (standard JSON)
// into <out>/<Contract>.json = {contractName, abi, bytecode, deployedBytecode}.
// Usage: node compile.js <tools/node_modules> <out dir> <file.sol>...
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, outDir, ...files] = process.argv.slice(2);
const solc = require(path.join(modules, 'solc'));

const sources = {};
for (const f of files) sources[path.basename(f)] = { content: fs.readFileSync(f, 'utf8') };

const input = {
  language: 'Solidity',
  sources,
  settings: {
    optimizer: { enabled: true, runs: 200 },
    // london: the newest EVM that geth's clique engine (the production
    // network, deploy/) still runs; cancun would emit PUSH0/MCOPY, which a
    // clique chain refuses. anvil runs london code unchanged.
    evmVersion: 'london',
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

const output = JSON.parse(solc.compile(JSON.stringify(input)));
let failed = false;
for (const e of output.errors || []) {
  process.stderr.write(e.formattedMessage || e.message);
  if (e.severity === 'error') failed = true;
}
if (failed) process.exit(1);

fs.mkdirSync(outDir, { recursive: true });
for (const [file, contracts] of Object.entries(output.contracts || {})) {
  for (const [name, c] of Object.entries(contracts)) {
    const artifact = {
      contractName: name,
      sourceName: file,
      compiler: solc.version(),
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, name + '.json'), JSON.stringify(artifact, null, 2) + '\n');
  }
}
