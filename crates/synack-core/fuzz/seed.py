#!/usr/bin/env python3
"""Seed corpus for the scenario_json target: every JSON example in
docs/scenario-format.md, plus a few documents at the reader's edges. Writes them to
corpus/scenario_json (not committed); run from this directory."""
import os, re, pathlib

here = pathlib.Path(__file__).resolve().parent
out = here / "corpus" / "scenario_json"
out.mkdir(parents=True, exist_ok=True)
doc = (here / "../../../docs/scenario-format.md").read_text()
blocks = re.findall(r"```json\n(.*?)```", doc, re.S)
edges = [
    '0e-2147483648', '1e400', '-0.0E+0', '18446744073709551616', '"\\ud83d\\ude00\\u00e9\\/\\b"',
    '{"a":1,"a":2}', '[' * 33 + ']' * 33, '{"actions":[{"side":"client","do":"connect"}],"seed":18446744073709551615}',
    '{"actions":[],"network":{"faults":{"drop":[1,2,3],"inject":[{"at":1.5e3,"seq":{"isn":"client","plus":1}}]}}}',
]
for i, text in enumerate(blocks + edges):
    (out / f"seed-{i:03}.json").write_text(text)
print(f"{len(blocks) + len(edges)} seeds in {out}")
