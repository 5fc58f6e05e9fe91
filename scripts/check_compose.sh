#!/usr/bin/env bash
# Checks deploy/compose statically (no container engine needed): renders the
# deployment for N=1 and N=4 into a temporary directory and verifies each
# rendering (YAML/JSON/TOML parse, services, volumes, ports, pinned images,
# mounted paths, genesis, keys, static peers, petrade.json, Prometheus).
# Also checks that rendering again into the same directory with another N
# keeps the chain (same genesis, same node keys) and leaves no stale files,
# and the --docker-restart variant. Exits non-zero with a message per failure.
#
# Needs /usr/bin/python3 with Debian's python3-yaml, openssl, and foundry's
# cast (tools/node_modules/.bin/cast), Debian's docker-compose (for
# `docker-compose config -q`), and a built tree: build/petrade (its
# `up --config FILE --help` parses the config and exits) and the contract
# artifacts. scripts/setup.sh installs the tools; scripts/test builds.
set -euo pipefail

cd "$(dirname "$0")/.."
REPO="$(pwd)"
PY=/usr/bin/python3

fail() { printf 'check_compose: FAIL: %s\n' "$*" >&2; exit 1; }
note() { printf 'check_compose: %s\n' "$*"; }

[ -x "$PY" ] || fail "$PY is missing (Debian's python3)"
"$PY" -c 'import yaml' 2>/dev/null || fail "$PY cannot import yaml: install Debian's python3-yaml"
command -v openssl >/dev/null || fail "openssl is missing"

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

CHECKER="$TMP/check.py"
cat > "$CHECKER" <<'PYEOF'
import json, os, re, subprocess, sys, tomllib
import yaml

out, n, repo, variant = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
petrade_bin = sys.argv[5]
docker_restart = variant == "docker-restart"
failures = []

def fail(msg):
    failures.append(msg)

def load(path, kind):
    try:
        with open(path, "rb") as f:
            if kind == "yaml":
                return yaml.safe_load(f)
            if kind == "json":
                return json.load(f)
            return tomllib.load(f)
    except Exception as e:
        fail("%s does not parse as %s: %s" % (path, kind, e))
        return None

# ---- Keccak-256 and secp256k1 public keys, independent of the render step
def keccak256(data):
    mask = (1 << 64) - 1
    rc, r = [], 1
    for _ in range(24):
        c = 0
        for j in range(7):
            r = ((r << 1) ^ ((r >> 7) * 0x71)) % 256
            if r & 2:
                c |= 1 << ((1 << j) - 1)
        rc.append(c)
    rot = [[0] * 5 for _ in range(5)]
    x, y = 1, 0
    for t in range(24):
        rot[x][y] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    rol = lambda v, k: ((v << k) | (v >> (64 - k))) & mask if k else v
    def permute(a):
        for rnd in range(24):
            c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
            d = [c[(x - 1) % 5] ^ rol(c[(x + 1) % 5], 1) for x in range(5)]
            a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
            b = [[0] * 5 for _ in range(5)]
            for x in range(5):
                for y in range(5):
                    b[y][(2 * x + 3 * y) % 5] = rol(a[x][y], rot[x][y])
            a = [[b[x][y] ^ (~b[(x + 1) % 5][y] & b[(x + 2) % 5][y]) for y in range(5)]
                 for x in range(5)]
            a[0][0] ^= rc[rnd]
        return a
    rate = 136
    msg = bytearray(data) + b"\x01"
    msg += b"\x00" * (-len(msg) % rate)
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        for i in range(rate // 8):
            a[i % 5][i // 5] ^= int.from_bytes(msg[off + 8 * i:off + 8 * i + 8], "little")
        a = permute(a)
    return b"".join(a[i % 5][i // 5].to_bytes(8, "little") for i in range(4))

assert keccak256(b"").hex().startswith("c5d2460186f7233c927e7db2dcc703c0")

def pubkey(secret_hex):
    """64-byte uncompressed public key (no 04 prefix) of a secp256k1 key, by openssl."""
    raw = bytes.fromhex(secret_hex.strip().removeprefix("0x"))
    der = (bytes.fromhex("302e0201010420") + raw + bytes.fromhex("a00706052b8104000a"))
    spki = subprocess.run(["openssl", "ec", "-inform", "DER", "-pubout", "-outform", "DER"],
                          input=der, capture_output=True, check=True).stdout
    assert spki[-65] == 4
    return spki[-64:]

def address(secret_hex):
    return "0x" + keccak256(pubkey(secret_hex))[12:].hex()

def secret(name):
    with open(os.path.join(out, "secrets", name)) as f:
        return f.read().strip()

# ---- the compose file
compose_path = os.path.join(out, "docker-compose.yml")
compose = load(compose_path, "yaml") or {}
services = compose.get("services") or {}
geths = sorted((s for s in services if re.fullmatch(r"geth\d+", s)), key=lambda s: int(s[4:]))
want = ["geth%d" % i for i in range(n)]
if geths != want:
    fail("expected geth services %s, found %s" % (want, geths))
others = sorted(set(services) - set(geths))
if others != ["petrade", "prometheus"]:
    fail("expected services petrade and prometheus beside the geth nodes, found %s" % others)

def mounts(svc):
    """(source, target) of each short-syntax volume entry; named volumes keep their name."""
    result = []
    for v in services.get(svc, {}).get("volumes") or []:
        if not isinstance(v, str):
            fail("%s: only short volume syntax is expected, got %r" % (svc, v))
            continue
        parts = v.split(":")
        result.append((parts[0], parts[1] if len(parts) > 1 else parts[0]))
    return result

def host_path(svc, container_path):
    """The host file behind a path inside a service's container, or None."""
    best = None
    for src, dst in mounts(svc):
        if not src.startswith((".", "/")):
            continue
        if container_path == dst or container_path.startswith(dst.rstrip("/") + "/"):
            if best is None or len(dst) > len(best[1]):
                best = (src, dst)
    if best is None:
        return None
    rest = container_path[len(best[1]):].lstrip("/")
    base = best[0] if best[0].startswith("/") else os.path.join(out, best[0])
    return os.path.normpath(os.path.join(base, rest))

def must_resolve(svc, container_path, what):
    p = host_path(svc, container_path)
    if p is None:
        fail("%s: %s %s is not mounted into the container" % (svc, what, container_path))
    elif not os.path.exists(p):
        fail("%s: %s %s is mounted from %s, which does not exist" % (svc, what, container_path, p))
    return p

# images pinned, or built from deploy/compose/Dockerfile
dockerfile = os.path.join(repo, "deploy", "compose", "Dockerfile")
def pinned(image):
    if "@sha256:" in image:
        return True
    m = re.fullmatch(r"[^:@]+:([A-Za-z0-9_.-]+)", image)
    return bool(m) and m.group(1) != "latest" and re.search(r"\d", m.group(1)) is not None

for name, svc in services.items():
    build = svc.get("build")
    image = svc.get("image")
    if build is not None:
        if not isinstance(build, dict):
            fail("%s: build must name its context and dockerfile" % name)
            continue
        ctx = os.path.normpath(os.path.join(out, build.get("context", ".")))
        df = os.path.normpath(os.path.join(ctx, build.get("dockerfile", "Dockerfile")))
        if not os.path.isdir(ctx):
            fail("%s: build context %s does not exist" % (name, ctx))
        if not os.path.isfile(df):
            fail("%s: dockerfile %s does not exist" % (name, df))
        if os.path.realpath(df) != os.path.realpath(dockerfile):
            fail("%s: built from %s, not from deploy/compose/Dockerfile" % (name, df))
        if os.path.realpath(ctx) != os.path.realpath(repo):
            fail("%s: build context %s is not the repository root" % (name, ctx))
        if image is not None and image != "petrade:local":
            fail("%s: a built image must be named petrade:local (as deploy/k8s expects), not %r" % (name, image))
    elif image is None:
        fail("%s: neither image nor build" % name)
    elif not pinned(image):
        fail("%s: image %r is not pinned to an exact tag (no latest, no untagged)" % (name, image))
    # every bind mount exists (the docker socket lives on the target machine)
    for src, dst in mounts(name):
        if src == "/var/run/docker.sock":
            if not docker_restart:
                fail("%s: mounts the docker socket without --docker-restart" % name)
            continue
        if src.startswith((".", "/")):
            p = src if src.startswith("/") else os.path.join(out, src)
            if not os.path.exists(p):
                fail("%s: bind mount source %s (%s) does not exist" % (name, src, p))
    if svc.get("network_mode") == "host":
        fail("%s: network_mode host would expose every port" % name)

# ports: only the gateway is published
for name, svc in services.items():
    ports = svc.get("ports") or []
    if name == "petrade":
        if len(ports) != 1 or not str(ports[0]).endswith(":8080"):
            fail("petrade: expected exactly one published port, the gateway's 8080, got %s" % ports)
    elif ports:
        fail("%s publishes ports %s: only the gateway (petrade:8080) may be published" % (name, ports))

# ---- secrets
secrets_dir = os.path.join(out, "secrets")
secret_values = []
for root, _, files in os.walk(secrets_dir):
    for f in files:
        p = os.path.join(root, f)
        mode = os.stat(p).st_mode & 0o777
        if mode != 0o600:
            fail("%s has mode %o, expected 600" % (p, mode))
        if not root.endswith("keystore"):
            secret_values.append(open(p).read().strip())
for rendered in ["docker-compose.yml", "petrade.json", "genesis.json", "prometheus/prometheus.yml"]:
    text = open(os.path.join(out, rendered)).read()
    for v in secret_values:
        if v and v in text:
            fail("%s contains a secret's value; secrets must stay in secrets/" % rendered)

# ---- genesis
genesis = load(os.path.join(out, "genesis.json"), "json") or {}
signer = address(secret("signer.key"))
platform = address(secret("platform.key"))
extra = genesis.get("extraData", "")
if not re.fullmatch(r"0x0{64}[0-9a-f]{40}0{130}", extra):
    fail("genesis extraData is not 32 zero bytes + one signer + 65 zero bytes: %s" % extra)
elif "0x" + extra[66:106] != signer:
    fail("genesis extraData names %s, the signer key's address is %s" % ("0x" + extra[66:106], signer))
cfg = genesis.get("config", {})
if "clique" not in cfg or not cfg["clique"].get("period") or cfg["clique"].get("epoch") != 30000:
    fail("genesis config has no clique section with a period and epoch 30000: %s" % cfg.get("clique"))
for fork in ("shanghaiTime", "cancunTime", "pragueTime", "terminalTotalDifficulty"):
    if fork in cfg:
        fail("genesis sets %s, which geth's clique does not support" % fork)
alloc = {k.lower().removeprefix("0x"): v for k, v in (genesis.get("alloc") or {}).items()}
for who, addr in (("signer", signer), ("platform key", platform)):
    bal = alloc.get(addr[2:], {}).get("balance", "0")
    if int(bal, 0) <= 0:
        fail("genesis does not prefund the %s %s" % (who, addr))
chain_id = cfg.get("chainId")

# ---- geth services
ips, tomls, volumes_seen = {}, {}, []
for i, name in enumerate(want):
    svc = services.get(name)
    if svc is None:
        continue
    cmd = svc.get("command") or []
    flags = {}
    for a in cmd:
        k, _, v = str(a).partition("=")
        flags[k] = v
    if svc.get("restart") != "on-failure":
        fail("%s: restart must be on-failure, is %r" % (name, svc.get("restart")))
    if flags.get("--networkid") != str(chain_id):
        fail("%s: --networkid %s differs from the genesis chain id %s" % (name, flags.get("--networkid"), chain_id))
    if "--metrics" not in flags or flags.get("--metrics.addr") != "0.0.0.0" or flags.get("--metrics.port") != "6060":
        fail("%s: metrics must be on 0.0.0.0:6060" % name)
    if "--http" not in flags or flags.get("--http.port") != "8545":
        fail("%s: HTTP RPC must be on 8545" % name)
    data = [s for s, d in mounts(name) if d == flags.get("--datadir", "/data")]
    if len(data) != 1 or data[0].startswith((".", "/")):
        fail("%s: the datadir must be a named volume, got %s" % (name, data))
    elif data[0] not in (compose.get("volumes") or {}):
        fail("%s: volume %s is not declared at the top level" % (name, data[0]))
    else:
        volumes_seen.append(data[0])
    ks = [(s, d) for s, d in mounts(name) if d == flags.get("--keystore")]
    if len(ks) != 1 or os.path.normpath(os.path.join(out, ks[0][0])) != os.path.join(secrets_dir, "keystore"):
        fail("%s: the shared keystore secrets/keystore must be mounted at --keystore" % name)
    if not any(v.endswith(":" + flags.get("--keystore", "?") + ":ro") for v in svc.get("volumes") or []):
        fail("%s: the keystore must be mounted read-only" % name)
    nodekey = must_resolve(name, flags.get("--nodekey", ""), "--nodekey")
    if nodekey and os.path.realpath(nodekey) != os.path.realpath(os.path.join(secrets_dir, "nodekey-%d" % i)):
        fail("%s: --nodekey is %s, expected secrets/nodekey-%d" % (name, nodekey, i))
    must_resolve(name, "/etc/petrade/genesis.json", "the genesis")
    ep = svc.get("entrypoint") or []
    if ep:
        must_resolve(name, ep[-1], "the entrypoint")
    toml_path = must_resolve(name, flags.get("--config", ""), "--config")
    try:
        ips[name] = svc["networks"]["chain"]["ipv4_address"]
    except (KeyError, TypeError):
        fail("%s: no fixed ipv4_address on the chain network" % name)
    if toml_path and os.path.exists(toml_path):
        tomls[name] = load(toml_path, "toml")
    if i == 0:
        for flag in ("--mine", "--allow-insecure-unlock"):
            if flag not in flags:
                fail("geth0: %s missing (geth0 seals)" % flag)
        for flag in ("--unlock", "--miner.etherbase"):
            if flags.get(flag, "").lower() != signer:
                fail("geth0: %s is %s, expected the signer %s" % (flag, flags.get(flag), signer))
        pw = must_resolve(name, flags.get("--password", ""), "--password")
        ks_files = [json.load(open(os.path.join(secrets_dir, "keystore", f)))
                    for f in os.listdir(os.path.join(secrets_dir, "keystore"))]
        if not any(("0x" + k.get("address", "").lower().removeprefix("0x")) == signer for k in ks_files):
            fail("the keystore holds no file whose \"address\" is the signer %s (geth would skip it)" % signer)
    elif "--mine" in flags or "--unlock" in flags:
        fail("%s: only geth0 seals and unlocks" % name)

if len(set(volumes_seen)) != len(volumes_seen):
    fail("geth services share volumes: %s" % volumes_seen)
enode_ids = {}
for i, name in enumerate(want):
    try:
        enode_ids[name] = pubkey(secret("nodekey-%d" % i)).hex()
    except Exception as e:
        fail("secrets/nodekey-%d is not a secp256k1 key: %s" % (i, e))
for name, t in tomls.items():
    peers = ((t or {}).get("Node", {}).get("P2P", {}) or {}).get("StaticNodes")
    if peers is None:
        fail("%s: its config has no [Node.P2P] StaticNodes" % name)
        continue
    expect = sorted("enode://%s@%s:30303" % (enode_ids.get(o), ips.get(o)) for o in want if o != name)
    if sorted(peers) != expect:
        fail("%s: static nodes %s do not match the other nodes' keys and addresses %s" % (name, peers, expect))

# ---- petrade.json
pj = load(os.path.join(out, "petrade.json"), "json") or {}
nodes = pj.get("nodes") or []
if len(nodes) != n:
    fail("petrade.json lists %d nodes, expected %d" % (len(nodes), n))
for i, node in enumerate(nodes):
    g = "geth%d" % i
    exp = {"name": g, "url": "http://%s:8545" % g, "probe": "geth_metrics",
           "metrics_url": "http://%s:6060/debug/metrics/prometheus" % g}
    for k, v in exp.items():
        if node.get(k) != v:
            fail("petrade.json nodes[%d].%s is %r, expected %r" % (i, k, node.get(k), v))
    rc = node.get("restart_command")
    if docker_restart:
        cname = services.get(g, {}).get("container_name")
        if rc != ["docker", "restart", cname]:
            fail("petrade.json nodes[%d].restart_command is %r, expected docker restart %s" % (i, rc, cname))
    elif rc is not None:
        fail("petrade.json nodes[%d] has a restart_command without --docker-restart" % i)
gw = pj.get("gateway") or {}
if gw.get("address") != "0.0.0.0" or gw.get("port") != 8080:
    fail("petrade.json gateway must listen on 0.0.0.0:8080, got %s:%s" % (gw.get("address"), gw.get("port")))
biz = pj.get("business") or {}
paths = [("business.platform_key_file", biz.get("platform_key_file")),
         ("business.key_secret_file", biz.get("key_secret_file")),
         ("business.admin.password_file", (biz.get("admin") or {}).get("password_file")),
         ("gateway.metrics_token_file", gw.get("metrics_token_file"))]
for key, p in paths:
    if not p:
        fail("petrade.json has no %s" % key)
        continue
    must_resolve("petrade", p, key)
pk = host_path("petrade", biz.get("platform_key_file", ""))
if pk and os.path.exists(pk) and address(open(pk).read()) != platform:
    fail("petrade's platform key file is not the key prefunded in the genesis")
if docker_restart:
    if "/var/run/docker.sock" not in [s for s, _ in mounts("petrade")]:
        fail("petrade: restart_command needs the docker socket mounted")
    if not services.get("petrade", {}).get("group_add"):
        fail("petrade: restart_command needs the docker socket's group (group_add)")

# petrade's own parser: `petrade up --config FILE --help` reads the whole
# config (platform and gateway sections) and exits before starting anything.
# The container paths are pointed at the rendered files first.
local = json.loads(json.dumps(pj))
def relocate(obj):
    if isinstance(obj, dict):
        return {k: relocate(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [relocate(v) for v in obj]
    if isinstance(obj, str) and obj.startswith("/run/secrets/"):
        return host_path("petrade", obj) or obj
    return obj
local = relocate(local)
local["transactions"]["journal"] = os.path.join(out, "parse-check-journal")
local_path = os.path.join(out, "petrade.parse-check.json")
with open(local_path, "w") as f:
    json.dump(local, f)
r = subprocess.run([petrade_bin, "up", "--config", local_path, "--help"],
                   capture_output=True, text=True, cwd=out)
os.remove(local_path)
if r.returncode != 0:
    fail("build/petrade refuses petrade.json: %s" % (r.stderr or r.stdout).strip())

# ---- Prometheus
prom_svc = "prometheus"
prom = load(os.path.join(out, "prometheus", "prometheus.yml"), "yaml") or {}
cfgfile = [a.split("=", 1)[1] for a in services.get(prom_svc, {}).get("command") or []
           if str(a).startswith("--config.file=")]
if not cfgfile:
    fail("prometheus: no --config.file")
else:
    host_cfg = must_resolve(prom_svc, cfgfile[0], "--config.file")
    cdir = os.path.dirname(cfgfile[0])
    for rf in prom.get("rule_files") or []:
        p = must_resolve(prom_svc, os.path.join(cdir, rf), "rule file")
        if p and os.path.exists(p):
            orig = os.path.join(repo, "deploy", "prometheus", "rules.yml")
            if open(p, "rb").read() != open(orig, "rb").read():
                fail("%s is not a copy of deploy/prometheus/rules.yml" % p)
            load(p, "yaml")
    if not prom.get("rule_files"):
        fail("prometheus.yml loads no rule_files")
jobs = {j.get("job_name"): j for j in prom.get("scrape_configs") or []}
pjob = jobs.get("petrade")
if not pjob:
    fail("prometheus.yml has no petrade job (rules.yml expects job=\"petrade\")")
else:
    targets = [t for sc in pjob.get("static_configs") or [] for t in sc.get("targets") or []]
    if targets != ["petrade:8080"] or pjob.get("metrics_path") != "/metrics":
        fail("prometheus petrade job must scrape petrade:8080/metrics, got %s" % targets)
    cred = (pjob.get("authorization") or {}).get("credentials_file")
    if gw.get("metrics_token_file"):
        if not cred:
            fail("the gateway wants a metrics token but Prometheus sends none")
        else:
            p = must_resolve(prom_svc, cred, "credentials_file")
            q = host_path("petrade", gw["metrics_token_file"])
            if p and q and os.path.exists(p) and os.path.exists(q) and \
                    open(p).readline().strip() != open(q).readline().strip():
                fail("Prometheus's bearer token differs from the gateway's metrics token")
gjob = jobs.get("geth")
gtargets = sorted(t for sc in (gjob or {}).get("static_configs") or [] for t in sc.get("targets") or [])
if gtargets != sorted("%s:6060" % g for g in want) or (gjob or {}).get("metrics_path") != "/debug/metrics/prometheus":
    fail("prometheus geth job must scrape every node's /debug/metrics/prometheus on 6060, got %s" % gtargets)

for m in failures:
    print("check_compose: FAIL (%s, N=%d): %s" % (variant, n, m), file=sys.stderr)
sys.exit(1 if failures else 0)
PYEOF

command -v docker-compose >/dev/null ||
  { echo "check_compose: FAIL: docker-compose not found (Debian package docker-compose; scripts/setup.sh installs it)" >&2; exit 1; }
[ -x build/petrade ] && [ -d build/artifacts/contracts ] ||
  { echo "check_compose: FAIL: build/petrade and build/artifacts/contracts are needed: build first (scripts/test)" >&2; exit 1; }
PETRADE_BIN="$REPO/build/petrade"

check() {   # check OUT N VARIANT
  local out="$1" n="$2" variant="$3"
  "$PY" "$CHECKER" "$out" "$n" "$REPO" "$variant" "$PETRADE_BIN" \
    || fail "the $variant rendering for N=$n in $out has the problems above"
  (cd "$out" && docker-compose -f docker-compose.yml config -q) \
    || fail "docker-compose config rejects the $variant rendering for N=$n"
  note "ok: $variant rendering, N=$n"
}

render() {  # render N OUT [--docker-restart]
  local n="$1" out="$2"; shift 2
  deploy/compose/render.sh "$@" "$n" "$out" > "$TMP/render.log" 2>&1 \
    || { cat "$TMP/render.log" >&2; fail "render.sh $* $n $out failed"; }
}

# The Dockerfile's base images are pinned too.
"$PY" - deploy/compose/Dockerfile <<'PYEOF' || fail "deploy/compose/Dockerfile has unpinned base images"
import re, sys
args, bad, stages = {}, [], set()
for line in open(sys.argv[1]):
    m = re.match(r"\s*ARG\s+(\w+)=(\S+)", line)
    if m:
        args[m.group(1)] = m.group(2)
    m = re.match(r"\s*FROM\s+(\S+)(?:\s+AS\s+(\S+))?", line, re.I)
    if m:
        image = re.sub(r"\$\{(\w+)\}", lambda v: args.get(v.group(1), ""), m.group(1))
        if m.group(2):
            stages.add(m.group(2))
        if image in stages:
            continue
        tag = image.rpartition(":")[2] if ":" in image else ""
        if "@sha256:" not in image and (not tag or tag == "latest" or not re.search(r"\d", tag)):
            bad.append(image)
for b in bad:
    print("check_compose: FAIL: Dockerfile base image %s is not pinned to an exact tag" % b, file=sys.stderr)
sys.exit(1 if bad else 0)
PYEOF

# geth's clique chain stops at London, so contract code must not use later
# opcodes (the EVM version is set in contracts/compile.js).
"$PY" - build/artifacts/contracts <<'PYEOF'
import glob, json, os, sys
later = {0x5f: "PUSH0", 0x5e: "MCOPY", 0x5c: "TLOAD", 0x5d: "TSTORE", 0x49: "BLOBHASH", 0x4a: "BLOBBASEFEE"}
bad = False
for path in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    code = bytes.fromhex(json.load(open(path)).get("deployedBytecode", "0x")[2:])
    if len(code) > 2:   # leave out the CBOR metadata at the end
        code = code[:max(0, len(code) - 2 - int.from_bytes(code[-2:], "big"))]
    seen, i = set(), 0
    while i < len(code):
        op = code[i]
        if op in later:
            seen.add(later[op])
        i += 1 + (op - 0x5f if 0x60 <= op <= 0x7f else 0)
    if seen:
        print("check_compose: FAIL: %s uses %s, which a clique chain (London at most) does not "
              "have: deploying it on the compose cluster fails; compile for evmVersion london"
              % (path, ", ".join(sorted(seen))), file=sys.stderr)
        bad = True
sys.exit(1 if bad else 0)
PYEOF


for n in 1 4; do
  render "$n" "$TMP/out-$n"
  check "$TMP/out-$n" "$n" default
done

# Scaling: render N=4 into the N=1 directory. The chain must stay the same
# (same genesis, same keys for the existing node), then back to N=1 without
# leftovers of the removed nodes.
cp "$TMP/out-1/genesis.json" "$TMP/genesis.before"
cp "$TMP/out-1/secrets/nodekey-0" "$TMP/nodekey0.before"
render 4 "$TMP/out-1"
cmp -s "$TMP/genesis.before" "$TMP/out-1/genesis.json" || fail "re-rendering with another N changed the genesis"
cmp -s "$TMP/nodekey0.before" "$TMP/out-1/secrets/nodekey-0" || fail "re-rendering with another N changed geth0's node key"
[ "$(ls "$TMP/out-1/secrets/keystore" | wc -l)" -eq 1 ] || fail "re-rendering added a second signer keystore file"
check "$TMP/out-1" 4 default
render 1 "$TMP/out-1"
[ ! -e "$TMP/out-1/geth/geth3.toml" ] || fail "re-rendering with a smaller N left geth3's config behind"
check "$TMP/out-1" 1 default

# The --docker-restart variant (the socket's group given, as on a machine
# without docker).
DOCKER_GID=999 render 2 "$TMP/out-restart" --docker-restart
check "$TMP/out-restart" 2 docker-restart

note "all compose checks passed"
