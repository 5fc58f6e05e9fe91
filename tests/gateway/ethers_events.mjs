// An Ethereum app using ethers v6, unchanged, against the platform's /rpc:
// reads the head and a balance, sends a signed transfer and waits for it,
// and reads the token's Transfer events. Prints one JSON line.
// usage: node ethers_events.mjs RPC_URL TOKEN_ADDRESS SENDER_KEY RECIPIENT
import { createRequire } from 'node:module';

const require = createRequire(process.env.PETRADE_TOOLS + '/package.json');
const { ethers } = require('ethers');

const [url, tokenAddress, key, recipient] = process.argv.slice(2);
const provider = new ethers.JsonRpcProvider(url, undefined, { staticNetwork: true, polling: true });
const wallet = new ethers.Wallet(key, provider);

const token = new ethers.Contract(tokenAddress, [
  'event Transfer(address indexed from, address indexed to, uint256 value)',
  'function name() view returns (string)',
], provider);

const head = await provider.getBlockNumber();
const before = await provider.getBalance(recipient);
const sent = await wallet.sendTransaction({ to: recipient, value: 12345n });
const receipt = await sent.wait(1, 60000);
const after = await provider.getBalance(recipient, receipt.blockNumber);
const transfers = await token.queryFilter('Transfer', 0, 'latest');
console.log(JSON.stringify({
  head,
  name: await token.name(),
  status: receipt.status,
  received: (after - before).toString(),
  transfers: transfers.map((e) => ({ to: e.args.to, value: e.args.value.toString() })),
}));
