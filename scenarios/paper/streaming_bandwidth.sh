#!/usr/bin/env bash
# Streaming DiLoCo's bandwidth-for-utilisation comparison, timing only
# (scenarios/paper/streaming_bandwidth.json): compute utilisation of data-parallel, DiLoCo and
# Streaming DiLoCo as the datacenters' WAN bandwidth varies, and the bandwidth each needs for
# 90% and 95% utilisation (interpolated on a log scale between the swept rates), at the
# scenario's 25 ms one way and at 0.5 ms (bandwidth alone). Prints tables.
# Usage: scenarios/paper/streaming_bandwidth.sh [LOCOSIM]
set -euo pipefail
locosim=${1:-build/locosim}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 - "$locosim" "$here" "$work" <<'PY'
import json, math, subprocess, sys
locosim, here, work = sys.argv[1:4]
rates_gbps = [1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000]
methods = ["ddp", "diloco", "streaming_diloco"]
def sweep(latency):
    utilisation = {m: [] for m in methods}
    for rate in rates_gbps:
        out = f"{work}/{latency}-{rate}"
        subprocess.run([locosim, "run", f"{here}/streaming_bandwidth.json", "--timing-only",
                        "--set", f"network.generator.bandwidth={rate}Gbps",
                        "--set", f"network.generator.latency={latency}", "--out", out],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        summary = json.load(open(f"{out}/summary.json"))["methods"]
        for m in methods:
            b = summary[m]["time_breakdown_s"]
            utilisation[m].append(b["compute"] / (b["compute"] + b["communicate"] + b["idle"]))
    return utilisation

def needed(u, target):
    for i in range(1, len(u)):
        if u[i - 1] < target <= u[i]:
            f = (target - u[i - 1]) / (u[i] - u[i - 1])
            return math.exp(math.log(rates_gbps[i - 1]) + f * math.log(rates_gbps[i] / rates_gbps[i - 1]))
    return rates_gbps[0] if u[0] >= target else None

for latency in ["25ms", "0.5ms"]:
    utilisation = sweep(latency)
    print(f"\nWAN links at {latency} one way: compute utilisation")
    print("| WAN bandwidth per datacenter | " + " | ".join(methods) + " |")
    print("|---|" + "---|" * len(methods))
    for i, rate in enumerate(rates_gbps):
        print(f"| {rate} Gbps | " + " | ".join(f"{100 * utilisation[m][i]:.1f}%" for m in methods) + " |")
    print(f"\nWAN links at {latency} one way: bandwidth needed")
    print("| utilisation | " + " | ".join(methods) + " | data-parallel / Streaming DiLoCo |")
    print("|---|" + "---|" * (len(methods) + 1))
    for target in [0.5, 0.9, 0.95]:
        need = {m: needed(utilisation[m], target) for m in methods}
        cells = [f"{need[m]:.3g} Gbps" if need[m] else f"> {rates_gbps[-1]} Gbps" for m in methods]
        ratio = (f"{need['ddp'] / need['streaming_diloco']:.0f}x"
                 if need["ddp"] and need["streaming_diloco"] else "-")
        print(f"| {100 * target:.0f}% | " + " | ".join(cells) + f" | {ratio} |")
PY
