#!/usr/bin/env python3
"""Finds import cycles between the Rust modules of each crate, or draws them.

A module "uses" another when its file names a path into it (`use crate::a::b`, `crate::a::b::f()`,
`super::x`, `hearth_core::a` from another crate is not counted: crates cannot form cycles). Uses
between a module and its own ancestors are the ordinary shape of a Rust module tree (a parent
lists its children, a child takes its parent's types) and are not counted; every other use is
lifted to the two sibling modules that hold its ends, and those sibling graphs must have no cycle.

    scripts/module-cycles.py            # prints each cycle, exits 1 when there is one
    scripts/module-cycles.py --dot      # a Graphviz graph of the uses: | dot -Tsvg > modules.svg
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = {
    "hearth-core": ROOT / "crates/hearth-core/src",
    "hearth-kernels": ROOT / "crates/hearth-kernels/src",
    "hearth-cli": ROOT / "crates/hearth-cli/src",
    "hearth (shell)": ROOT / "src-tauri/src",
}
PATH = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)+)")
GROUP = re.compile(r"\b(crate|super|self)((?:::[A-Za-z_][A-Za-z0-9_]*)*)::\{([^;]*?)\}", re.S)
COMMENT = re.compile(r"//[^\n]*")


def module_of(src: Path, file: Path) -> tuple:
    parts = list(file.relative_to(src).with_suffix("").parts)
    if parts[-1] in ("mod", "lib", "main"):
        parts.pop()
    return tuple(parts)


def used_paths(text: str):
    """Every `crate::`/`super::`/`self::` path in the text, groups `a::{b, c::d}` spread out."""
    text = COMMENT.sub("", text)
    for start, prefix, inner in GROUP.findall(text):
        for item in inner.split(","):
            item = item.strip().split(" as ")[0].strip()
            if item[:1].isalpha() or item[:1] == "_":
                yield start, prefix + "::" + item.split("::{")[0]
    for start, rest in PATH.findall(text):
        yield start, rest


def resolve(module: tuple, start: str, rest: str, modules: set) -> tuple:
    """The longest known module the path leads into."""
    if start == "crate":
        base = ()
    else:
        # A file `a/b.rs` is module a::b; `self` is itself and `super` its parent.
        base = module if start == "self" else module[:-1]
    names = [n for n in rest.split("::") if n]
    while names and names[0] == "super":
        base = base[:-1]
        names.pop(0)
    found = base
    for name in names:
        if found + (name,) in modules:
            found = found + (name,)
        else:
            break
    return found


def sibling_edges(src: Path):
    files = sorted(src.rglob("*.rs"))
    modules = {module_of(src, f) for f in files}
    edges = set()
    for file in files:
        here = module_of(src, file)
        for start, rest in used_paths(file.read_text()):
            there = resolve(here, start, rest, modules)
            common = 0
            while common < min(len(here), len(there)) and here[common] == there[common]:
                common += 1
            if common in (len(here), len(there)):
                continue  # one holds the other
            edges.add((here[: common + 1], there[: common + 1]))
    return edges


def cycles(edges):
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    graph = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
        graph.setdefault(b, set())
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for next_node in sorted(graph[node]):
            if next_node not in index:
                visit(next_node)
                low[node] = min(low[node], low[next_node])
            elif next_node in on_stack:
                low[node] = min(low[node], index[next_node])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def name(module: tuple) -> str:
    return "::".join(module) or "crate"


def main() -> int:
    if "--dot" in sys.argv:
        print("digraph modules {\n  rankdir=LR;")
        for crate, src in CRATES.items():
            print(f'  subgraph "cluster_{crate}" {{\n    label="{crate}";')
            for a, b in sorted(sibling_edges(src)):
                print(f'    "{crate}/{name(a)}" -> "{crate}/{name(b)}";')
            print("  }")
        print("}")
        return 0
    status = 0
    for crate, src in CRATES.items():
        edges = sibling_edges(src)
        for component in cycles(edges):
            status = 1
            members = set(component)
            print(f"{crate}: a cycle among {', '.join(name(m) for m in component)}:")
            for a, b in sorted(edges):
                if a in members and b in members:
                    print(f"  {name(a)} uses {name(b)}")
    if status == 0:
        print("No import cycles between modules.")
    return status


if __name__ == "__main__":
    sys.exit(main())
