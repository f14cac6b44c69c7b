#!/usr/bin/env python3
"""Checks the control plane's layering from its #include lines (run by ctest):

- sim/ includes no torch header, and ns-3 headers only under sim/net/ns3/;
- sim/'s folders (one library each, see sim/CMakeLists.txt) include each other without a cycle.

Usage: check_layering.py REPO_ROOT. Prints each problem and exits 1, or prints a summary.
"""
import pathlib
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]', re.M)


def folder_of(path: pathlib.Path, sim: pathlib.Path) -> str:
    parts = path.relative_to(sim).parts
    # A method kind's folder belongs to the methods library; net/ns3 is a library of its own.
    if parts[0] == "net" and len(parts) > 2 and parts[1] == "ns3":
        return "net/ns3"
    return parts[0]


def main(root: str) -> int:
    sim = pathlib.Path(root) / "sim"
    problems = []
    edges = {}
    for path in sorted(sim.rglob("*")):
        if path.suffix not in (".h", ".cc"):
            continue
        here = folder_of(path, sim)
        for header in INCLUDE.findall(path.read_text()):
            if header.startswith(("torch/", "ATen/", "c10/")):
                problems.append(f"{path}: includes torch header <{header}>; sim/ never touches tensors")
            if header.startswith("ns3/") and here != "net/ns3":
                problems.append(f"{path}: includes ns-3 header <{header}> outside sim/net/ns3/")
            if header.startswith("sim/"):
                target = folder_of(pathlib.Path(root) / header, sim)
                if target != here:
                    edges.setdefault(here, set()).add(target)

    # Depth-first search for a cycle between folders.
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycle = stack[stack.index(nxt):] + [nxt]
                problems.append("include cycle between folders: " + " -> ".join(cycle))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])

    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"layering ok: {len(edges)} folders of sim/ include others, no cycle, no torch, ns-3 only in net/ns3")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
