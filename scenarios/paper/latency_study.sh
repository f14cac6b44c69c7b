#!/usr/bin/env bash
# NoLoCo section 5.3, latency study: tree all-reduce against pair averaging for n = 8 to 1024
# replicas, with a constant message time and with lognormal message times. Prints a table.
# Usage: scenarios/paper/latency_study.sh [LOCOSIM] [SEEDS]   (default build/locosim, 10)
set -euo pipefail
locosim=${1:-build/locosim}
seeds=${2:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$locosim" "$seeds" "$work" <<'PY'
import json, statistics, subprocess, sys
locosim, seeds, work = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def completion(topology, algorithm, seed):
    out = subprocess.check_output([locosim, "collective", "--topology", topology,
        "--algorithm", algorithm, "--bytes", "1", "--backend", "analytic", "--no-tcp-startup",
        "--no-slow-start-after-idle", "--no-congestion-avoidance", "--seed", str(seed), "--json"])
    return json.loads(out)["completion_s"]
print("| n | constant: tree (s) | pair (s) | ratio | lognormal: tree (s) | pair (s) | ratio |")
print("|---|---|---|---|---|---|---|")
for n in [8, 16, 32, 64, 128, 256, 512, 1024]:
    star = f"{work}/star{n}.json"
    # A message crosses two access links of 5 ms: 10 ms, nothing for bandwidth (1 byte).
    subprocess.check_call([locosim, "topology", "star", "--replicas", str(n),
                           "--bandwidth", "1000Gbps", "--latency", "5ms", "-o", star])
    jittered = f"{work}/jitter{n}.json"
    t = json.load(open(star))
    for link in t["links"]:  # the same 10 ms mean, now LogNormal per link and transfer
        link["latency"] = "0s"
        link["jitter"] = {"distribution": "lognormal", "mean": "5ms", "sigma": 0.5}
    json.dump(t, open(jittered, "w"))
    tree, pair = completion(star, "tree", 1), completion(star, "gossip", 1)
    jt = [completion(jittered, "tree", s) for s in range(1, seeds + 1)]
    jp = [completion(jittered, "gossip", s) for s in range(1, seeds + 1)]
    print(f"| {n} | {tree:.3f} | {pair:.3f} | {tree / pair:.1f} | "
          f"{statistics.mean(jt):.4f} ± {statistics.stdev(jt):.4f} | "
          f"{statistics.mean(jp):.4f} ± {statistics.stdev(jp):.4f} | "
          f"{statistics.mean(jt) / statistics.mean(jp):.1f} |")
PY
