#!/usr/bin/env bash
# Static checks of the Kubernetes manifests in deploy/k8s: no cluster, no
# container engine and no network needed; runs in a second or two from any
# directory. Exits non-zero with one line per problem.
#
#   - every YAML document parses and has apiVersion, kind and metadata.name;
#     kustomization.yaml lists every manifest and none of the *.example.yaml
#     Secret templates, whose values must all be REPLACE_WITH_ placeholders;
#   - every image is pinned to an exact version (or a digest), or is the
#     petrade image built from deploy/compose/Dockerfile;
#   - every container has a readiness and a liveness probe, and every port a
#     probe or a Service names is declared by the containers it reaches;
#   - every ConfigMap, Secret (and key), ServiceAccount and PVC a workload uses
#     is defined; every Service and NetworkPolicy selects some pod; only the
#     gateway is exposed outside the cluster;
#   - RBAC: Roles only, granting get/delete on the geth pods by name;
#   - petrade.json is valid JSON, lists one node per geth replica (URLs,
#     metrics URLs and restart commands naming that pod), and its worker,
#     gateway and file paths agree with the Services and the volumes;
#   - the geth genesis parses, is clique with a positive chain id and no fork after
#     London, and geth-config lists an enode line per replica;
#   - `kubectl kustomize deploy/k8s` renders, and the
#     prometheus-rules ConfigMap can be made from deploy/prometheus/rules.yml.
#
# Needs /usr/bin/python3 with PyYAML (Debian: python3-yaml) and kubectl
# (Debian: kubernetes-client); scripts/setup.sh installs both.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
k8s="$root/deploy/k8s"
py=/usr/bin/python3

die() { echo "check_k8s: $*" >&2; exit 1; }

[ -d "$k8s" ] || die "$k8s does not exist"
[ -x "$py" ] || die "$py not found (Debian: apt-get install python3 python3-yaml)"
"$py" -c 'import yaml' 2>/dev/null || die "PyYAML is missing for $py (Debian: apt-get install python3-yaml)"

"$py" - "$root" <<'PY'
import glob
import json
import os
import re
import sys
from urllib.parse import urlparse

import yaml

root = sys.argv[1]
k8s = os.path.join(root, "deploy", "k8s")
errors = []
notes = []


def rel(path):
    return os.path.relpath(path, root)


def fail(where, msg):
    errors.append(f"{where}: {msg}")


# ---- parse ---------------------------------------------------------------

files = sorted(glob.glob(os.path.join(k8s, "**", "*.yaml"), recursive=True)
               + glob.glob(os.path.join(k8s, "**", "*.yml"), recursive=True))
if not files:
    fail(rel(k8s), "no YAML files")

objects = {}      # (kind, name) -> (where, doc)
kustomization = None
for path in files:
    try:
        with open(path, encoding="utf-8") as f:
            loaded = list(yaml.safe_load_all(f))
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        fail(rel(path), f"does not parse as YAML: {e}")
        continue
    for i, doc in enumerate(loaded, 1):
        if doc is None:
            continue
        where = f"{rel(path)} (document {i})"
        if not isinstance(doc, dict):
            fail(where, "is not a mapping")
            continue
        if os.path.basename(path) in ("kustomization.yaml", "kustomization.yml"):
            kustomization = (path, doc)
            continue
        api, kind = doc.get("apiVersion"), doc.get("kind")
        name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
        missing = [k for k, v in (("apiVersion", api), ("kind", kind), ("metadata.name", name))
                   if not isinstance(v, str) or not v]
        if missing:
            fail(where, "missing " + ", ".join(missing))
            continue
        where = f"{rel(path)}: {kind}/{name}"
        if (kind, name) in objects:
            fail(where, f"defined twice (also in {objects[(kind, name)][0]})")
        objects[(kind, name)] = (where, doc, path)


def of_kind(kind):
    return [(w, d, p) for (k, _), (w, d, p) in objects.items() if k == kind]


def named(kind, name):
    return objects.get((kind, name))


# ---- kustomization and secret templates ------------------------------------

namespace = None
if kustomization is None:
    fail(rel(k8s), "no kustomization.yaml")
else:
    kpath, kdoc = kustomization
    kwhere = rel(kpath)
    if kdoc.get("kind") != "Kustomization":
        fail(kwhere, "kind is not Kustomization")
    namespace = kdoc.get("namespace")
    listed = kdoc.get("resources") or []
    for r in listed:
        if not os.path.isfile(os.path.join(k8s, r)):
            fail(kwhere, f"resource {r} does not exist")
    for path in files:
        name = os.path.relpath(path, k8s)
        if os.path.basename(path).startswith("kustomization."):
            continue
        if name.endswith((".example.yaml", ".example.yml")):
            if name in listed:
                fail(kwhere, f"lists the template {name}; applying it would overwrite the real Secrets")
        elif name not in listed:
            fail(kwhere, f"does not list {name}")

for where, doc, path in of_kind("Secret"):
    if not path.endswith((".example.yaml", ".example.yml")):
        fail(where, "Secrets belong in *.example.yaml templates (real ones are created with kubectl)")
    if doc.get("data"):
        fail(where, "use stringData placeholders, not data")
    for key, value in (doc.get("stringData") or {}).items():
        if not (isinstance(value, str) and value.startswith("REPLACE_WITH_")):
            fail(where, f"key {key} holds something other than a REPLACE_WITH_ placeholder")

for kind in ("ClusterRole", "ClusterRoleBinding"):
    for where, _, _ in of_kind(kind):
        fail(where, "nothing cluster-wide is granted; use a Role in the namespace")

# ---- what is defined -------------------------------------------------------

def keys_of(doc):
    keys = set((doc.get("data") or {}).keys()) | set((doc.get("binaryData") or {}).keys())
    return keys | set((doc.get("stringData") or {}).keys())


configmaps = {d["metadata"]["name"]: keys_of(d) for _, d, _ in of_kind("ConfigMap")}
secrets = {d["metadata"]["name"]: keys_of(d) for _, d, _ in of_kind("Secret")}
accounts = {d["metadata"]["name"] for _, d, _ in of_kind("ServiceAccount")}
claims = {d["metadata"]["name"] for _, d, _ in of_kind("PersistentVolumeClaim")}

# Made by `kubectl create configmap --from-file` from the one copy of the
# rules (kustomize refuses files outside deploy/k8s).
rules_file = os.path.join(root, "deploy", "prometheus", "rules.yml")
try:
    with open(rules_file, encoding="utf-8") as f:
        rules = yaml.safe_load(f)
    if not isinstance(rules, dict) or not rules.get("groups"):
        fail(rel(rules_file), "has no rule groups")
    configmaps.setdefault("prometheus-rules", {"rules.yml"})
except (OSError, yaml.YAMLError) as e:
    fail(rel(rules_file), f"cannot be read for the prometheus-rules ConfigMap: {e}")

# ---- workloads -------------------------------------------------------------

VERSION_TAG = re.compile(r"v?\d+\.\d+\.\d+([-+.][0-9A-Za-z.-]+)?")


def check_image(where, image):
    if not isinstance(image, str) or not image:
        fail(where, "has no image")
        return
    if re.search(r"@sha256:[0-9a-f]{64}$", image):
        return
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        fail(where, f"image {image} has no tag (it would float to latest)")
        return
    repo, tag = last.split(":", 1)
    if tag == "latest":
        fail(where, f"image {image} uses the floating tag latest")
    elif repo == "petrade" and "/" not in image:
        pass  # built locally from deploy/compose/Dockerfile
    elif not VERSION_TAG.fullmatch(tag):
        fail(where, f"image {image}: tag {tag} is not an exact version")


def declared_ports(container):
    names, numbers = set(), set()
    for p in container.get("ports") or []:
        if p.get("name"):
            names.add(p["name"])
        if p.get("containerPort") is not None:
            numbers.add(p["containerPort"])
    return names, numbers


def port_declared(port, containers):
    for c in containers:
        names, numbers = declared_ports(c)
        if (isinstance(port, str) and port in names) or (isinstance(port, int) and port in numbers):
            return True
    return False


def check_probe(where, which, probe, container):
    if not isinstance(probe, dict):
        fail(where, f"has no {which}")
        return
    handlers = [h for h in ("httpGet", "tcpSocket", "exec", "grpc") if h in probe]
    if len(handlers) != 1:
        fail(where, f"{which} needs exactly one of httpGet, tcpSocket, exec, grpc")
        return
    h = handlers[0]
    if h == "exec":
        if not (probe["exec"] or {}).get("command"):
            fail(where, f"{which} exec has no command")
        return
    port = (probe[h] or {}).get("port")
    if port is None or not port_declared(port, [container]):
        fail(where, f"{which} uses port {port!r}, which the container does not declare")


workloads = []    # (where, doc, pod spec, labels)
for kind in ("Deployment", "StatefulSet", "DaemonSet"):
    for where, doc, _ in of_kind(kind):
        spec = doc.get("spec") or {}
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        pod = template.get("spec") or {}
        workloads.append((where, doc, pod, labels))
        match = (spec.get("selector") or {}).get("matchLabels") or {}
        if not match or any(labels.get(k) != v for k, v in match.items()):
            fail(where, "selector.matchLabels does not match the pod template's labels")

        sa = pod.get("serviceAccountName")
        if sa and sa != "default" and sa not in accounts:
            fail(where, f"ServiceAccount {sa} is not defined")

        volumes = {}
        for v in pod.get("volumes") or []:
            volumes[v.get("name")] = v
            vw = f"{where}: volume {v.get('name')}"

            def need(kind_name, name, defined, items, optional):
                if optional:
                    return
                if name not in defined:
                    fail(vw, f"{kind_name} {name} is not defined")
                    return
                for item in items or []:
                    if item.get("key") not in defined[name]:
                        fail(vw, f"{kind_name} {name} has no key {item.get('key')}")

            if "configMap" in v:
                cm = v["configMap"]
                need("ConfigMap", cm.get("name"), configmaps, cm.get("items"), cm.get("optional"))
            if "secret" in v:
                s = v["secret"]
                need("Secret", s.get("secretName"), secrets, s.get("items"), s.get("optional"))
            if "persistentVolumeClaim" in v:
                name = v["persistentVolumeClaim"].get("claimName")
                if name not in claims:
                    fail(vw, f"PersistentVolumeClaim {name} is not defined")
            for src in (v.get("projected") or {}).get("sources") or []:
                if "configMap" in src:
                    need("ConfigMap", src["configMap"].get("name"), configmaps,
                         src["configMap"].get("items"), src["configMap"].get("optional"))
                if "secret" in src:
                    need("Secret", src["secret"].get("name"), secrets,
                         src["secret"].get("items"), src["secret"].get("optional"))
        templates = {t.get("metadata", {}).get("name") for t in spec.get("volumeClaimTemplates") or []}

        containers = pod.get("containers") or []
        if not containers:
            fail(where, "has no containers")
        for c in (pod.get("initContainers") or []) + containers:
            cw = f"{where}: container {c.get('name')}"
            check_image(cw, c.get("image"))
            for m in c.get("volumeMounts") or []:
                if m.get("name") not in volumes and m.get("name") not in templates:
                    fail(cw, f"mounts {m.get('name')}, which is neither a volume nor a volumeClaimTemplate")
            for e in c.get("env") or []:
                ref = e.get("valueFrom") or {}
                for key, defined, label in (("configMapKeyRef", configmaps, "ConfigMap"),
                                            ("secretKeyRef", secrets, "Secret")):
                    r = ref.get(key)
                    if r and not r.get("optional"):
                        if r.get("name") not in defined:
                            fail(cw, f"env {e.get('name')}: {label} {r.get('name')} is not defined")
                        elif r.get("key") not in defined[r.get("name")]:
                            fail(cw, f"env {e.get('name')}: {label} {r.get('name')} has no key {r.get('key')}")
            for ef in c.get("envFrom") or []:
                for key, defined, label in (("configMapRef", configmaps, "ConfigMap"),
                                            ("secretRef", secrets, "Secret")):
                    r = ef.get(key)
                    if r and not r.get("optional") and r.get("name") not in defined:
                        fail(cw, f"envFrom: {label} {r.get('name')} is not defined")
        for c in containers:
            cw = f"{where}: container {c.get('name')}"
            for which in ("readinessProbe", "livenessProbe"):
                check_probe(cw, which, c.get(which), c)
            if c.get("startupProbe") is not None:
                check_probe(cw, "startupProbe", c["startupProbe"], c)


def pod_containers(pod):
    return pod.get("containers") or []


def selected(selector):
    return [(w, d, pod, labels) for (w, d, pod, labels) in workloads
            if selector and all(labels.get(k) == v for k, v in selector.items())]


def runs(pod, subcommand):
    return any(c.get("command", [])[:2] == ["petrade", subcommand] for c in pod_containers(pod))


# ---- Services --------------------------------------------------------------

services = {}
for where, doc, _ in of_kind("Service"):
    spec = doc.get("spec") or {}
    services[doc["metadata"]["name"]] = spec
    targets = selected(spec.get("selector") or {})
    if not spec.get("selector"):
        fail(where, "has no selector")
        continue
    if not targets:
        fail(where, f"selector {spec['selector']} matches no pod template")
        continue
    for p in spec.get("ports") or []:
        target = p.get("targetPort", p.get("port"))
        for tw, _, pod, _ in targets:
            if not port_declared(target, pod_containers(pod)):
                fail(where, f"port {p.get('name') or p.get('port')}: targetPort {target!r} "
                            f"is not declared by {tw}")
    if spec.get("type") in ("LoadBalancer", "NodePort"):
        if not all(runs(pod, "up") for _, _, pod, _ in targets):
            fail(where, f"type {spec['type']} exposes something other than the gateway")

for where, doc, _ in of_kind("StatefulSet"):
    svc = (doc.get("spec") or {}).get("serviceName")
    if svc not in services:
        fail(where, f"serviceName {svc} is not a defined Service")
    elif services[svc].get("clusterIP") != "None":
        fail(where, f"Service {svc} is not headless (clusterIP: None), so pods get no DNS names")

for where, doc, _ in of_kind("NetworkPolicy"):
    sel = ((doc.get("spec") or {}).get("podSelector") or {}).get("matchLabels") or {}
    if sel and not selected(sel):
        fail(where, f"podSelector {sel} matches no pod template")

# ---- RBAC ------------------------------------------------------------------

geth = named("StatefulSet", "geth")
replicas = None
pod_names = []
if geth is None:
    fail(rel(k8s), "no StatefulSet named geth")
else:
    replicas = (geth[1].get("spec") or {}).get("replicas", 1)
    pod_names = [f"geth-{i}" for i in range(replicas)]

roles = {}
for where, doc, _ in of_kind("Role"):
    roles[doc["metadata"]["name"]] = doc
    rules = doc.get("rules") or []
    if not rules:
        fail(where, "has no rules")
    for r in rules:
        if r.get("apiGroups") != [""] or r.get("resources") != ["pods"]:
            fail(where, "may only grant on core pods (apiGroups [\"\"], resources [pods])")
        verbs = r.get("verbs") or []
        if not verbs or not set(verbs) <= {"get", "delete"}:
            fail(where, f"verbs {verbs}: only get and delete are allowed")
        names = r.get("resourceNames")
        if not names:
            fail(where, "has no resourceNames; it would cover every pod in the namespace")
        elif pod_names and sorted(names) != sorted(pod_names):
            fail(where, f"resourceNames {names} are not the geth pods {pod_names}")

bound_accounts = set()
for where, doc, _ in of_kind("RoleBinding"):
    ref = doc.get("roleRef") or {}
    if ref.get("kind") != "Role" or ref.get("name") not in roles:
        fail(where, f"roleRef {ref.get('kind')}/{ref.get('name')} is not a defined Role")
    for s in doc.get("subjects") or []:
        if s.get("kind") != "ServiceAccount" or s.get("name") not in accounts:
            fail(where, f"subject {s.get('kind')}/{s.get('name')} is not a defined ServiceAccount")
        elif namespace and s.get("namespace") not in (None, namespace):
            fail(where, f"subject {s.get('name')} is in namespace {s.get('namespace')}, not {namespace}")
        else:
            bound_accounts.add(s.get("name"))

# ---- petrade.json ----------------------------------------------------------

def mount_for(container, path):
    best = None
    for m in container.get("volumeMounts") or []:
        mp = m.get("mountPath", "").rstrip("/")
        if path == mp or path.startswith(mp + "/"):
            if best is None or len(mp) > len(best.get("mountPath", "").rstrip("/")):
                best = m
    return best


def check_secret_file(where, pod, container, path):
    m = mount_for(container, path)
    volume = next((v for v in pod.get("volumes") or [] if m and v.get("name") == m.get("name")), None)
    if not volume or "secret" not in volume:
        fail(where, f"{path} is not on a Secret volume of container {container.get('name')}")
        return
    inside = path[len(m["mountPath"].rstrip("/")) + 1:]
    items = volume["secret"].get("items")
    files = [i.get("path") for i in items] if items else secrets.get(volume["secret"].get("secretName"), set())
    if inside not in files:
        fail(where, f"{path}: Secret volume {volume['name']} has no file {inside}")


def check_pvc_path(where, pod, container, path):
    m = mount_for(container, path)
    volume = next((v for v in pod.get("volumes") or [] if m and v.get("name") == m.get("name")), None)
    if not volume or "persistentVolumeClaim" not in volume:
        fail(where, f"{path} is not on a PersistentVolumeClaim of container {container.get('name')}")


holder = [(w, d) for w, d, _ in of_kind("ConfigMap") if "petrade.json" in (d.get("data") or {})]
if len(holder) != 1:
    fail(rel(k8s), f"expected one ConfigMap with petrade.json, found {len(holder)}")
else:
    cwhere, cdoc = holder[0]
    where = f"{cwhere}: petrade.json"
    try:
        conf = json.loads(cdoc["data"]["petrade.json"])
    except json.JSONDecodeError as e:
        fail(where, f"is not valid JSON: {e}")
        conf = None
    if conf is not None:
        nodes = conf.get("nodes")
        if "devnet" in conf:
            fail(where, "has a devnet section; on Kubernetes the nodes are the geth pods")
        if not isinstance(nodes, list):
            fail(where, "has no \"nodes\" array")
            nodes = []
        if replicas is not None and len(nodes) != replicas:
            fail(where, f"lists {len(nodes)} nodes but the geth StatefulSet has {replicas} replicas")
        geth_pod = geth[1]["spec"]["template"]["spec"] if geth else {}
        geth_svc = geth[1]["spec"].get("serviceName") if geth else None
        role_names = set()
        for r in roles.values():
            for rule in r.get("rules") or []:
                role_names |= set(rule.get("resourceNames") or [])
        for i, n in enumerate(nodes):
            nw = f"{where}: nodes[{i}]"
            pod = f"geth-{i}"
            if not isinstance(n, dict):
                fail(nw, "is not an object")
                continue
            for key in ("url", "metrics_url"):
                u = urlparse(n.get(key) or "")
                if u.hostname != f"{pod}.{geth_svc}":
                    fail(nw, f"{key} {n.get(key)!r} does not name {pod}.{geth_svc}")
                elif not port_declared(u.port, pod_containers(geth_pod)):
                    fail(nw, f"{key} port {u.port} is not declared by the geth container")
            if n.get("probe") == "geth_metrics" and not n.get("metrics_url"):
                fail(nw, "probe geth_metrics needs metrics_url")
            argv = n.get("restart_command")
            if not (isinstance(argv, list) and argv and all(isinstance(a, str) and a for a in argv)):
                fail(nw, "restart_command must be a non-empty array of strings")
            else:
                if argv[0] != "kubectl" or "delete" not in argv or pod not in argv:
                    fail(nw, f"restart_command {argv} does not `kubectl delete pod {pod}`")
                if pod not in role_names:
                    fail(nw, f"restart_command deletes {pod}, which no Role allows")

        gateways = [(w, d, pod) for w, d, pod, _ in workloads if runs(pod, "up")]
        workers = [(w, d, pod) for w, d, pod, _ in workloads if runs(pod, "worker")]
        if len(gateways) != 1 or len(workers) != 1:
            fail(where, f"expected one `petrade up` and one `petrade worker` workload, "
                        f"found {len(gateways)} and {len(workers)}")
        business = conf.get("business") or {}
        worker_conf = business.get("worker") or {}
        gw_conf = conf.get("gateway") or {}
        for w, d, pod in gateways + workers:
            c = next(c for c in pod_containers(pod) if c.get("command", [])[:1] == ["petrade"])
            cmd = c["command"]
            cfg_path = cmd[cmd.index("--config") + 1] if "--config" in cmd[:-1] else None
            m = mount_for(c, cfg_path or "")
            vol = next((v for v in pod.get("volumes") or [] if m and v.get("name") == m.get("name")), None)
            if not vol or (vol.get("configMap") or {}).get("name") != cdoc["metadata"]["name"]:
                fail(w, f"--config {cfg_path} is not the ConfigMap {cdoc['metadata']['name']}")
            for path in (business.get("platform_key_file"), business.get("key_secret_file"),
                         (business.get("admin") or {}).get("password_file")):
                if not path:
                    fail(where, "business needs platform_key_file, key_secret_file and admin.password_file")
                else:
                    check_secret_file(w, pod, c, path)
        for w, d, pod in gateways:
            c = pod_containers(pod)[0]
            journal = (conf.get("transactions") or {}).get("journal")
            if not journal:
                fail(where, "has no transactions.journal")
            else:
                check_pvc_path(w, pod, c, journal)
            if gw_conf.get("address") != "0.0.0.0":
                fail(where, "gateway.address must be 0.0.0.0 to be reachable from the Service")
            if not port_declared(gw_conf.get("port", 8080), pod_containers(pod)):
                fail(where, f"gateway.port {gw_conf.get('port', 8080)} is not declared by {w}")
            sa = pod.get("serviceAccountName")
            if sa not in bound_accounts:
                fail(w, f"ServiceAccount {sa} is not bound to the Role that lets it restart geth pods")
        for w, d, pod in workers:
            c = pod_containers(pod)[0]
            if worker_conf.get("database"):
                check_pvc_path(w, pod, c, worker_conf["database"])
            if worker_conf.get("bind") != "0.0.0.0":
                fail(where, "business.worker.bind must be 0.0.0.0 to be reachable from the Service")
            svc = services.get(worker_conf.get("host"))
            if svc is None:
                fail(where, f"business.worker.host {worker_conf.get('host')!r} is not a Service")
            else:
                port = next((p for p in svc.get("ports") or [] if p.get("port") == worker_conf.get("port")), None)
                if port is None:
                    fail(where, f"Service {worker_conf.get('host')} has no port {worker_conf.get('port')}")
                elif not port_declared(worker_conf.get("port"), pod_containers(pod)):
                    fail(where, f"business.worker.port {worker_conf.get('port')} is not declared by {w}")
                if not any(w2 == w for w2, _, _, _ in selected(svc.get("selector") or {})):
                    fail(where, f"Service {worker_conf.get('host')} does not select {w}")

# ---- geth genesis and enodes -----------------------------------------------

gc = named("ConfigMap", "geth-config")
if gc is None:
    fail(rel(k8s), "no ConfigMap geth-config")
else:
    gwhere, gdoc, _ = gc
    data = gdoc.get("data") or {}
    try:
        genesis = json.loads(data.get("genesis.json", ""))
        config = genesis.get("config") or {}
        if "clique" not in config:
            fail(gwhere, "genesis.json has no clique config")
        if not isinstance(config.get("chainId"), int) or config.get("chainId") <= 0:
            fail(gwhere, f"genesis chainId {config.get('chainId')!r} is not a positive integer")
        late = [k for k in config if k.endswith("Time")]
        if late:
            fail(gwhere, f"genesis enables {late}; geth's clique refuses every fork after London")
        if "__SIGNER__" not in genesis.get("extraData", ""):
            fail(gwhere, "genesis extraData does not carry the __SIGNER__ placeholder")
    except json.JSONDecodeError as e:
        fail(gwhere, f"genesis.json is not valid JSON: {e}")
    lines = [l.split() for l in (data.get("enodes") or "").splitlines()
             if l.strip() and not l.strip().startswith("#")]
    listed = [l[0] for l in lines]
    if pod_names and listed != pod_names:
        fail(gwhere, f"enodes lists {listed}, expected one line per geth pod: {pod_names}")
    nodekeys = secrets.get("geth-nodekeys")
    if nodekeys is not None and pod_names and sorted(nodekeys) != sorted(pod_names):
        fail("Secret geth-nodekeys", f"keys {sorted(nodekeys)} are not one per geth pod {pod_names}")

if not os.path.isfile(os.path.join(root, "deploy", "compose", "Dockerfile")):
    notes.append("deploy/compose/Dockerfile (which builds petrade:local) does not exist yet")

for n in notes:
    print(f"check_k8s: note: {n}")
if errors:
    for e in errors:
        print(f"check_k8s: FAIL: {e}", file=sys.stderr)
    print(f"check_k8s: {len(errors)} problem(s) in deploy/k8s", file=sys.stderr)
    sys.exit(1)
print(f"check_k8s: {len(objects)} objects in {len(files)} files pass the static checks")
PY

# Checks what `kubectl kustomize` renders (read from standard input).
render_check=$(cat <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(sys.stdin) if d]
bad = ["%s/%s" % (d["kind"], d["metadata"]["name"]) for d in docs
       if d["kind"] != "Namespace" and d["metadata"].get("namespace") != "petrade"]
if bad:
    sys.exit("check_k8s: kubectl kustomize: not in namespace petrade: " + ", ".join(bad))
if any(d["kind"] == "Secret" for d in docs):
    sys.exit("check_k8s: kubectl kustomize renders a Secret; the templates must stay out of it")
print("check_k8s: kubectl kustomize deploy/k8s renders %d objects" % len(docs))
PY
)

command -v kubectl >/dev/null 2>&1 ||
  die "kubectl not found (Debian package kubernetes-client; scripts/setup.sh installs it)"
if ! rendered="$(kubectl kustomize "$k8s" 2>/dev/null)"; then
  die "kubectl kustomize deploy/k8s failed: $(kubectl kustomize "$k8s" 2>&1 >/dev/null)"
fi
printf '%s\n' "$rendered" | "$py" -c "$render_check" || exit 1
if ! out="$(kubectl create configmap prometheus-rules \
              --from-file=rules.yml="$root/deploy/prometheus/rules.yml" \
              --dry-run=client -o yaml 2>&1)"; then
  die "kubectl create configmap prometheus-rules from deploy/prometheus/rules.yml failed: $out"
fi
echo "check_k8s: the prometheus-rules ConfigMap can be made from deploy/prometheus/rules.yml"
echo "check_k8s: ok"
