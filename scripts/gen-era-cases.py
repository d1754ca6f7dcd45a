#!/usr/bin/env python3
"""Write test/fixtures/era-cases.json: every fixture recording hashed by every recorder version.

The expected hashes come from the recorder's OWN hashing functions, version by version: each
file in the reference folder (the recorder's source at every upstream commit that changed it)
is parsed with `ast`, its hashing functions and their module-level patterns are taken out and
exec'd with stubs for what they import (the test context, the logger). Nothing of recctl is
used. Run by hand from the repository root (tests never run Python; they read the output):

    python3 scripts/gen-era-cases.py [--history DIR]          # writes test/fixtures/era-cases.json
    python3 scripts/gen-era-cases.py --check [--history DIR]  # exits 1 if the committed file is stale

DIR defaults to ../shared/reference/recorder-history (relative to the repository root).

How a stored recording is fed to those functions, as the recorder fed the live request:
  inference  normalize_request / normalize_inference_request(method, url, headers, body), with the
             test context set to the file's top-level test_id (None when the key is absent: the
             context a pre-isolation file is looked up with)
  tool       normalize_tool_request(provider, tool_name, kwargs), where the version has it
  raw HTTP   normalize_http_request(url, method, payload), test context = test_id (top-level,
             else the request's own), where the version has it
A version without the function has no rule for that kind: the expected hash is null.
"""

import argparse
import ast
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "test/fixtures"
OUT = FIXTURES / "era-cases.json"
SAMPLE_DIRS = ["samples", "valid", "eras/samples"]

HASHING_FUNCTIONS = {
    "normalize_request",
    "normalize_inference_request",
    "normalize_tool_request",
    "normalize_http_request",
    "_normalize_body_for_hash",
    "_normalize_numeric_literal_strings",
    "_normalize_file_search_metadata",
}
CO_FUTURE_ANNOTATIONS = 0x1000000


class TestContext:
    """Stands in for the recorder's test-context ContextVar (and get_test_context())."""

    value = None

    def get(self):
        return TestContext.value


class NullLogger:
    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def is_hashing_node(node):
    if isinstance(node, ast.FunctionDef):
        return node.name in HASHING_FUNCTIONS
    # Module-level compiled patterns (_FLOAT_IN_STRING_PATTERN, _FILE_SEARCH_*_PATTERN).
    return isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id.endswith("_PATTERN") for t in node.targets)


def load_version(path):
    """The version's hashing functions, exec'd in a namespace with stubs for their imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = ast.Module(body=[n for n in tree.body if is_hashing_node(n)], type_ignores=[])
    context = TestContext()
    namespace = {
        "json": json,
        "hashlib": hashlib,
        "re": re,
        "Any": Any,
        "logger": NullLogger(),
        "is_debug_mode": lambda: False,
        "get_test_context": context.get,
        "_test_context": context,
    }
    exec(compile(module, str(path), "exec", flags=CO_FUTURE_ANNOTATIONS, dont_inherit=True), namespace)
    return namespace


def request_kind(request):
    if "tool_name" in request and "provider" in request:
        return "tool"
    if "payload" in request and "url" in request:
        return "raw-http"
    if "url" in request and "method" in request:
        return "inference"
    return "unknown"


def version_hash(fns, recording):
    request = recording.get("request")
    if not isinstance(request, dict):
        return None
    kind = request_kind(request)
    test_id = recording.get("test_id")
    if kind == "inference":
        TestContext.value = test_id
        fn = fns.get("normalize_inference_request") or fns["normalize_request"]
        return fn(request.get("method", ""), request.get("url", ""), request.get("headers", {}), request.get("body"))
    if kind == "tool" and "normalize_tool_request" in fns:
        TestContext.value = test_id
        return fns["normalize_tool_request"](request["provider"], request["tool_name"], request["kwargs"])
    if kind == "raw-http" and "normalize_http_request" in fns:
        TestContext.value = test_id if test_id is not None else request.get("test_id")
        return fns["normalize_http_request"](request["url"], request["method"], request["payload"])
    return None


def sample_files():
    for d in SAMPLE_DIRS:
        yield from sorted((FIXTURES / d).rglob("*.json"))


def build(history):
    versions = sorted(p for p in history.glob("2*.py"))
    loaded = [(p.stem, load_version(p)) for p in versions]
    cases = []
    for f in sample_files():
        try:
            recording = json.loads(f.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if not isinstance(recording, dict) or not isinstance(recording.get("request"), dict):
            continue
        cases.append({"file": f.relative_to(FIXTURES).as_posix(), "hashes": {name: version_hash(fns, recording) for name, fns in loaded}})
    return {
        "generated_by": "scripts/gen-era-cases.py",
        "python": sys.version.split()[0],
        "versions": [{"name": p.stem, "date": p.stem[:10], "commit": p.stem[11:]} for p in versions],
        "cases": cases,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    default = next((d / "shared/reference/recorder-history" for d in REPO.parents if (d / "shared/reference/recorder-history").is_dir()), None)
    parser.add_argument("--history", type=Path, default=default, required=default is None)
    args = parser.parse_args()
    text = json.dumps(build(args.history), indent=2) + "\n"
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        # The Python version line may differ between machines; compare the rest.
        strip = lambda t: re.sub(r'"python": "[^"]*"', "", t)
        if strip(current) != strip(text):
            print(f"{OUT.relative_to(REPO)} is stale: rerun scripts/gen-era-cases.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}: {len(json.loads(text)['cases'])} recordings x {len(json.loads(text)['versions'])} recorder versions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
