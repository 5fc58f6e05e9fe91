#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/<target>/ from real sources:
transactions signed by the pinned cast, ABI data of the platform's own
contracts (build/artifacts/contracts), keystores encrypted with node's
crypto, the config/ examples and HTTP exchanges as the gateway and anvil
speak them. Run it again after a contract or a route changes:

    python3 tests/fuzz/make_seeds.py [BUILD_DIR]
"""
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "build")
CORPUS = ROOT / "tests" / "fuzz" / "corpus"
CAST = str(ROOT / "tools" / "node_modules" / ".bin" / "cast")
KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"   # anvil's first dev key
ALICE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
BOB = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"
# The order abi_decode.cpp loads them in: its index byte counts through this.
CONTRACTS = ["PetToken", "ProjectMarket", "DemandBoard", "Evaluation", "Greeter"]


def cast(*args):
    return subprocess.run([CAST, *args], check=True, capture_output=True, text=True).stdout.strip()


def unhex(s):
    return bytes.fromhex(s[2:] if s.startswith("0x") else s)


def write(target, name, data):
    d = CORPUS / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def http(method, target, body=b"", headers=()):
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
    body = body.encode() if isinstance(body, str) else body
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1:8080", *headers]
    if body or method == "POST":
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


# ---- rlp_decode --------------------------------------------------------
def raw_transactions():
    common = ["--private-key", KEY, "--chain", "31337"]
    return {
        "eip1559_transfer": cast("mktx", *common, "--nonce", "0", "--gas-limit", "21000",
                                 "--gas-price", "1000000000", "--priority-gas-price", "1000000000",
                                 ALICE, "--value", "1ether"),
        "legacy_call": cast("mktx", "--legacy", *common, "--nonce", "5", "--gas-limit", "100000",
                            "--gas-price", "2000000000", ALICE, "transfer(address,uint256)", BOB, "1000"),
        "eip1559_create": cast("mktx", *common, "--nonce", "1", "--gas-limit", "300000", "--gas-price",
                               "1000000000", "--priority-gas-price", "1", "--create",
                               "0x6080604052348015600f57600080fd5b50"),
        "eip1559_access_list": cast("mktx", *common, "--nonce", "2", "--gas-limit", "60000", "--gas-price",
                                    "1000000000", "--priority-gas-price", "1", "--access-list",
                                    json.dumps([{"address": ALICE, "storageKeys": ["0x" + "11" * 32]}]),
                                    ALICE, "publish(uint256)", "7"),
    }


def rlp_seeds():
    for name, raw in raw_transactions().items():
        write("rlp_decode", name, unhex(raw))
    write("rlp_decode", "nested_list", unhex(cast("to-rlp", '["0x01",["0x02","0x"],"0xdeadbeef"]')))
    write("rlp_decode", "long_string", unhex(cast("to-rlp", "0x" + "ab" * 60)))


# ---- abi_decode --------------------------------------------------------
SAMPLES = {"uint256": "42", "uint64": "1700000000", "uint32": "3", "uint8": "2", "bool": "true",
           "address": ALICE, "bytes32": "0x" + "11" * 32, "string": "solar panel plans",
           "bytes32[]": "[0x" + "22" * 32 + ",0x" + "33" * 32 + "]", "uint8[]": "[1,5,10]",
           "address[]": f"[{ALICE},{BOB}]"}


def encode(types, values):
    if not types:
        return b""
    return unhex(cast("abi-encode", f"f({','.join(types)})", *values))


def abi_seeds():
    functions, events = [], []
    for c in CONTRACTS:
        abi = json.loads((BUILD / "artifacts" / "contracts" / f"{c}.json").read_text())["abi"]
        functions += [x for x in abi if x["type"] == "function"]
        events += [x for x in abi if x["type"] == "event"]
    for i, f in enumerate(functions):
        outs = [o["type"] for o in f["outputs"]]
        ins = [p["type"] for p in f["inputs"]]
        if outs:
            write("abi_decode", f"return_{f['name']}", bytes([1, i]) + encode(outs, [SAMPLES[t] for t in outs]))
        sig = f"{f['name']}({','.join(ins)})"
        call = unhex(cast("calldata", sig, *[SAMPLES[t] for t in ins]))
        write("abi_decode", f"call_{f['name']}", bytes([1, i]) + call)
    for i, e in enumerate(events):
        sig = f"{e['name']}({','.join(p['type'] for p in e['inputs'])})"
        topics = [unhex(cast("keccak", sig))]
        data_types = []
        for p in e["inputs"]:
            if p["indexed"]:
                topics.append(encode([p["type"]], [SAMPLES[p["type"]]]))
            else:
                data_types.append(p["type"])
        data = encode(data_types, [SAMPLES[t] for t in data_types])
        write("abi_decode", f"log_{e['name']}", bytes([3, i, len(topics)]) + b"".join(topics) + data)
    tuple_types = "(uint256,address,string,bool[],(bytes32,uint8)[2])"
    write("abi_decode", "types_nested", bytes([0, 0]) + tuple_types.encode() + b"\n" +
          unhex(cast("abi-encode", f"f{tuple_types}", "7", ALICE, "hi", "[true,false]",
                     f"[(0x{'44' * 32},1),(0x{'55' * 32},2)]")))
    write("abi_decode", "revert_error_string", bytes([2, 0]) +
          unhex(cast("calldata", "Error(string)", "token is paused")))
    write("abi_decode", "revert_panic", bytes([2, 0]) + unhex(cast("calldata", "Panic(uint256)", "17")))
    write("abi_decode", "revert_custom", bytes([2, 0]) + unhex(cast("calldata", "EmptyGreeting()")))


# ---- keystore ----------------------------------------------------------
KEYSTORE_JS = r"""
const crypto = require('crypto');
const { Wallet, keccak256, concat } = require(process.argv[1] + '/ethers');
const key = process.argv[2], password = 'petrade-fuzz';
const wallet = new Wallet(key);
function store(kdf, params, dk, address) {
  const iv = Buffer.alloc(16, 7);
  const c = crypto.createCipheriv('aes-128-ctr', dk.subarray(0, 16), iv);
  const ct = Buffer.concat([c.update(Buffer.from(key.slice(2), 'hex')), c.final()]);
  const mac = keccak256(concat([dk.subarray(16, 32), ct])).slice(2);
  const doc = { version: 3, id: '3198bc9c-6672-5ab3-d995-4942343ae5b6',
    crypto: { cipher: 'aes-128-ctr', cipherparams: { iv: iv.toString('hex') },
              ciphertext: ct.toString('hex'), kdf, kdfparams: params, mac } };
  if (address) doc.address = wallet.address.slice(2).toLowerCase();
  return JSON.stringify(doc);
}
const salt = Buffer.alloc(32, 1);
const scrypt = crypto.scryptSync(password, salt, 32, { N: 2, r: 8, p: 1 });
const pbkdf2 = crypto.pbkdf2Sync(password, salt, 16, 32, 'sha256');
console.log(JSON.stringify({
  scrypt: store('scrypt', { dklen: 32, n: 2, r: 8, p: 1, salt: salt.toString('hex') }, scrypt, true),
  scrypt_no_address: store('scrypt', { dklen: 32, n: 2, r: 8, p: 1, salt: salt.toString('hex') }, scrypt, false),
  pbkdf2: store('pbkdf2', { c: 16, dklen: 32, prf: 'hmac-sha256', salt: salt.toString('hex') }, pbkdf2, true),
}));
"""


def keystore_seeds():
    out = subprocess.run(["node", "-e", KEYSTORE_JS, str(ROOT / "tools" / "node_modules"), KEY],
                         check=True, capture_output=True, text=True).stdout
    for name, text in json.loads(out).items():
        write("keystore", name, text)
    # geth's own spelling: capitalised "Crypto", standard scrypt parameters.
    geth = json.loads(json.loads(out)["scrypt"])
    geth["Crypto"] = geth.pop("crypto")
    geth["Crypto"]["kdfparams"]["n"] = 262144
    write("keystore", "geth_standard", json.dumps(geth))


# ---- jsonrpc_response --------------------------------------------------
def http_response(status, body, chunked=False, reason="OK"):
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
    if chunked:
        return (head + "Transfer-Encoding: chunked\r\n\r\n" +
                f"{len(body):x}\r\n{body}\r\n0\r\n\r\n").encode()
    return (head + f"Content-Length: {len(body.encode())}\r\n\r\n").encode() + body.encode()


def jsonrpc_seeds():
    receipt = {"transactionHash": "0x" + "ab" * 32, "blockNumber": "0x10", "status": "0x1",
               "gasUsed": "0x5208", "logs": [{"address": ALICE.lower(), "topics": ["0x" + "cd" * 32],
                                            "data": "0x" + "00" * 31 + "2a", "logIndex": "0x0"}]}
    single = [(0, http_response(200, '{"jsonrpc":"2.0","id":1,"result":"0x1b4"}')),
              (0, http_response(200, json.dumps({"jsonrpc": "2.0", "id": 1, "result": receipt}))),
              (0, http_response(200, '{"jsonrpc":"2.0","id":1,"error":{"code":3,"message":"execution reverted",'
                                     '"data":"0x08c379a0"}}')),
              (0, http_response(200, '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}')),
              (0, http_response(503, "<html>upstream unavailable</html>", reason="Service Unavailable")),
              (0, http_response(200, '{"jsonrpc":"2.0","id":1,"result":null}', chunked=True))]
    batch = '[{"jsonrpc":"2.0","id":2,"result":"0x2"},{"jsonrpc":"2.0","id":1,"result":"0x10"},' \
            '{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"Method not found"}}]'
    single.append((1 | (2 << 1), http_response(200, batch)))
    for i, (shape, data) in enumerate(single):
        write("jsonrpc_response", f"response_{i}", bytes([shape]) + data)


# ---- config_file -------------------------------------------------------
def config_seeds():
    for f in sorted((ROOT / "config").glob("*.json")) + [ROOT / "tests" / "e2e" / "e2e.json"]:
        write("config_file", f.stem, f.read_bytes())
    write("config_file", "devnet_only", json.dumps({"devnet": {"nodes": 1, "base_port": 9545,
                                                               "cpu_quotas": [0.5, 1]}}))


# ---- http_request and api_body ------------------------------------------
def routes():
    text = (ROOT / "gateway" / "api_routes.cpp").read_text()
    return re.findall(r'\{"(GET|POST)", "([^"]*)", "([^"]*)"', text)


API_BODIES = {
    "account.register": {"username": "alice", "password": "correct horse battery"},
    "account.login": {"username": "alice", "password": "correct horse battery"},
    "account.search": "query=al&limit=5",
    "account.friend_request": {"to": "bob"},
    "token.topup": {"amount": 100},
    "token.transfer": {"to": "bob", "amount": "25"},
    "token.burn": {"amount": 1},
    "project.list": "query=solar&keyword=energy&limit=10&offset=0&seller=alice",
    "project.publish": {"title": "Solar plans", "summary": "Plans for a roof array", "price": 40,
                        "keywords": ["Solar", "energy"], "visibility": "friends",
                        "file": {"name": "plans.txt", "content_base64": "aGVsbG8gd29ybGQ="}},
    "demand.list": "state=open&owner=bob&limit=3",
    "demand.publish": {"description": "Need a logo", "details": "Vector, two colours", "keywords": ["design"],
                       "bounty": "15", "expires_in": 3600},
    "demand.answer": {"text": "Here is my proposal"},
    "demand.award": {"index": 0},
    "account.create": {"password": "a long admin password"},
    "token.mint": {"username": "alice", "amount": 500},
    "token.forced_transfer": {"from": "alice", "to": "bob", "amount": 3},
    "evaluation.rate": {"scores": [[7, 8, 9, 6, 5, 10]]},
    "evaluation.open": {"subjects": ["node:node0", "gateway"], "closes_in_s": 3600, "raters": ["alice", "bob"]},
    "chain.deploy": {"bytecode": "0x6080604052348015600f57600080fd5b50"},
}


def api_seeds():
    for i, (method, path, op) in enumerate(routes()):
        body = API_BODIES.get(op)
        if body is None:
            continue
        text = body if isinstance(body, str) else json.dumps(body)
        shape = 0 if op != "evaluation.rate" else 0 + 5 * 4   # 1 subject × 6 dimensions
        write("api_body", op, bytes([i, shape]) + text.encode())
    judgment = [[1, 3], [1 / 3, 1]]
    write("api_body", "evaluation.open_judgment",
          bytes([[r[2] for r in routes()].index("evaluation.open"), 0]) +
          json.dumps({"subjects": ["a", "b"], "dimensions": ["speed", "cost"], "closes_in_s": 600,
                      "raters": ["alice"], "judgment": judgment}).encode())


def http_seeds():
    bearer = ("Authorization: Bearer 3b1f0e5c9d2a47e8b6c1d0f9a8e7b6c5",)
    raw = raw_transactions()["eip1559_transfer"]
    seeds = {
        "index": http("GET", "/"),
        "asset": http("GET", "/assets/index.js", headers=("Accept-Encoding: gzip",)),
        "head": http("HEAD", "/"),
        "health": http("GET", "/api/health"),
        "projects_query": http("GET", "/api/projects?query=solar%20roof&limit=10&offset=0"),
        "project_get": http("GET", "/api/projects/12"),
        "block": http("GET", "/api/chain/blocks/0x" + "ab" * 32),
        "balance": http("GET", f"/api/chain/balances/{ALICE}"),
        "register": http("POST", "/api/auth/register", API_BODIES["account.register"]),
        "publish": http("POST", "/api/projects", API_BODIES["project.publish"],
                        bearer + ("Idempotency-Key: publish-1",)),
        "rpc": http("POST", "/rpc", {"jsonrpc": "2.0", "id": 1, "method": "eth_blockNumber", "params": []}),
        "rpc_batch": http("POST", "/rpc", [{"jsonrpc": "2.0", "id": 1, "method": "eth_chainId"},
                                           {"jsonrpc": "2.0", "method": "eth_sendRawTransaction",
                                            "params": [raw]},
                                           {"jsonrpc": "2.0", "id": "x", "method": "anvil_mine"}]),
        "metrics": http("GET", "/metrics", headers=("Authorization: Bearer metrics-token",)),
        "cluster": http("GET", "/api/cluster", headers=bearer),
        "task": http("GET", "/api/tasks/7?wait=1000", headers=bearer),
        "delete": http("DELETE", "/api/projects/3"),
        "traversal": http("GET", "/assets/../../secret.txt"),
        "chunked": (b"POST /api/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                    b"Content-Type: application/json\r\n\r\n10\r\n{\"username\":\"al\r\n"
                    b"15\r\nice\",\"password\":\"x\"}\r\n0\r\n\r\n"),
        "pipelined": http("GET", "/api/health") + http("GET", "/api/chain/head") +
                     b"GET / HTTP/1.0\r\n\r\n",
    }
    for name, data in seeds.items():
        write("http_request", name, data)


if __name__ == "__main__":
    rlp_seeds()
    abi_seeds()
    keystore_seeds()
    jsonrpc_seeds()
    config_seeds()
    api_seeds()
    http_seeds()
