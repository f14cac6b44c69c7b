#!/usr/bin/env bash
# INTELLECT-1's DiLoCo sync, timing only (scenarios/paper/intellect1.json): the sync time and
# compute utilisation locosim predicts for its declared model and network, as each node's
# access bandwidth varies, across the United States only, and with packet loss on the
# intercontinental paths. Prints a table. Usage: scenarios/paper/intellect1.sh [LOCOSIM]
set -euo pipefail
locosim=${1:-build/locosim}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$locosim" "$here" "$work" <<'PY'
import json, subprocess, sys
locosim, here, work = sys.argv[1:4]
scenario = f"{here}/intellect1.json"

def run(name, sets, methods="diloco"):
    out = f"{work}/{name}"
    args = [locosim, "run", scenario, "--timing-only", "--methods", methods, "--out", out]
    for s in sets:
        args += ["--set", s]
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.load(open(f"{out}/summary.json"))["methods"]

def continents(access, loss=0.0):
    path = f"{work}/continents-{access}-{loss}.json"
    subprocess.check_call([locosim, "topology", "matrix", "--latency", f"{here}/intellect1/rtt_ms.csv",
                           "--wan-bandwidth", "100Gbps", "--replicas-per-site", "5",
                           "--site-bandwidth", access, "--site-latency", "2ms", "-o", path])
    if loss:
        t = json.load(open(path))
        for link in t["links"]:
            if not any(e.endswith(("-0", "-1", "-2", "-3", "-4")) for e in link["endpoints"]):
                link["loss_rate"] = loss  # the intercontinental links only
        json.dump(t, open(path, "w"))
    return path

def row(label, m):
    d = m["diloco"]
    compute = d["time_breakdown_s"]["compute"]
    total = compute + d["time_breakdown_s"]["communicate"] + d["time_breakdown_s"]["idle"]
    print(f"| {label} | {d['sync_latency_s']['p50'] / 60:.2f} | {100 * compute / total:.1f} |")

print("| network (14 nodes, each its own access link) | DiLoCo sync p50 (min) | compute utilisation (%) |")
print("|---|---|---|")
for access in ["500Mbps", "1Gbps", "2Gbps", "4Gbps"]:
    row(f"3 continents, {access} per node", run(access, [f"network.topology={continents(access)}"]))
row("United States only, 1Gbps per node, 60 ms RTT",
    run("us", ["network.topology=null",
               'network.generator={"kind": "star", "bandwidth": "1Gbps", "latency": "15ms"}']))
for loss in [1e-6, 1e-5]:
    row(f"3 continents, 1Gbps per node, loss {loss:g} on intercontinental links",
        run(f"loss{loss}", [f"network.topology={continents('1Gbps', loss)}"]))
ddp = run("ddp", [f"network.topology={continents('1Gbps')}"], methods="ddp")["ddp"]
b = ddp["time_breakdown_s"]
print(f"\nData-parallel (fp32 gradients every step), 3 continents at 1Gbps per node: "
      f"{ddp['sync_latency_s']['p50']:.1f} s per step's all-reduce, compute utilisation "
      f"{100 * b['compute'] / (b['compute'] + b['communicate'] + b['idle']):.1f}%.")
PY
