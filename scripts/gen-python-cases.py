#!/usr/bin/env python3
"""Write test/fixtures/python-cases.json: expected values computed once by real CPython.

Run by hand from the repo root whenever a case is added (tests never run Python; they read the
committed output):

    python3 scripts/gen-python-cases.py            # writes test/fixtures/python-cases.json
    python3 scripts/gen-python-cases.py --check    # exits 1 if the committed file is stale

The committed file was produced by CPython 3.11.7 (its version is recorded in the file). The
sections, each a list of cases the TypeScript tests replay against src/core:

  dumps      JSON text -> json.dumps(json.loads(t)), with sort_keys=True, and with indent=2
  round      (x, ndigits) -> repr(round(x, ndigits)) and f"{x:.{ndigits}f}"
  repr       float literal -> repr(float(literal))  (what json.dumps prints for a float)
  normalize  str -> the recorder's string normalization (file-search noise, then decimals)
  hash       recording JSON text -> its request kind, the normalized JSON that is hashed, and the
             request hash the recorder names the file after
  urlparse   url -> urllib.parse.urlparse(url).scheme / .netloc / .path

The normalization and hashing below are an independent Python implementation of SPEC.md "The
request hash", written to follow the recorder's own code (api_recorder.py in llama-stack/OGX:
_normalize_body_for_hash, normalize_inference_request, normalize_tool_request,
normalize_http_request). The regexes are the recorder's, copied verbatim.
"""

import hashlib
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

OUT = Path(__file__).resolve().parent.parent / "test/fixtures/python-cases.json"

# ---------------------------------------------------------------------------------------------
# The recorder's normalization (api_recorder.py), verbatim patterns

_FLOAT_IN_STRING_PATTERN = re.compile(r"(-?\d+\.\d{4,})")

_FILE_SEARCH_SCORE_PATTERN = re.compile(r"score:\s*[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?")
_FILE_SEARCH_ATTRIBUTES_PATTERN = re.compile(r",?\s*attributes:\s*\{[^}]*\}")
_FILE_SEARCH_DOCUMENT_ID_PATTERN = re.compile(
    r"document_id:\s*[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"
)
_FILE_SEARCH_CITATION_PATTERN = re.compile(r"<\|[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}\|>")

MODEL_LIST_PATHS = ("/api/tags", "/v1/models", "/v1/openai/v1/models")


def normalize_numeric_literal_strings(value):
    return _FLOAT_IN_STRING_PATTERN.sub(lambda m: f"{float(m.group(0)):.5f}", value)


def normalize_file_search_metadata(value):
    value = _FILE_SEARCH_SCORE_PATTERN.sub("score: __NORMALIZED__", value)
    value = _FILE_SEARCH_ATTRIBUTES_PATTERN.sub("", value)
    value = _FILE_SEARCH_DOCUMENT_ID_PATTERN.sub("document_id: __NORMALIZED__", value)
    value = _FILE_SEARCH_CITATION_PATTERN.sub("<|__NORMALIZED__|>", value)
    return value


def normalize_string(value):
    return normalize_numeric_literal_strings(normalize_file_search_metadata(value))


def normalize_body(value, exclude_stream_options=False, *, is_root=True):
    # As the recorder does it: dict values recurse with is_root=False, but list items recurse
    # with the default is_root=True, so a dict inside a list gets the project_id rule too.
    if isinstance(value, dict):
        normalized = {k: normalize_body(v, is_root=False) for k, v in value.items()}
        if exclude_stream_options and "stream_options" in normalized:
            del normalized["stream_options"]
        if is_root:
            for extra_key in ("extra_body", "extra_query"):
                extra = normalized.get(extra_key)
                if isinstance(extra, dict):
                    extra.pop("project_id", None)
        return normalized
    if isinstance(value, list):
        return [normalize_body(v) for v in value]
    if isinstance(value, float):
        return round(value, 5)
    if isinstance(value, str):
        return normalize_string(value)
    return value


def hashed_object(recording):
    """The dict the recorder hashes for this recording's request (None: no hashing rule)."""
    request = recording.get("request")
    if not isinstance(request, dict):
        return None
    if "tool_name" in request and "provider" in request:
        return {"provider": request["provider"], "tool_name": request["tool_name"], "kwargs": request.get("kwargs")}
    if "payload" in request and "url" in request:
        # The recorder hashes the test context; files store it at the top level and in request.
        test_id = recording.get("test_id")
        if test_id is None:
            test_id = request.get("test_id")
        return {
            "test_id": test_id,
            "url": request["url"],
            "method": request.get("method", "").upper(),
            "payload": normalize_body(request["payload"]),
        }
    if "url" in request and "method" in request:
        parsed = urlparse(request["url"])
        normalized = {
            "method": request["method"].upper(),
            "endpoint": parsed.path,
            "body": normalize_body(request.get("body"), exclude_stream_options="bedrock" in parsed.netloc),
        }
        # The test context is hashed: None outside a test, which is how the current recorder
        # looks up a file without a test_id key (written before test isolation).
        if parsed.path not in MODEL_LIST_PATHS:
            normalized["test_id"] = recording.get("test_id")
        return normalized
    return None


def request_kind(recording):
    request = recording.get("request")
    if not isinstance(request, dict):
        return "unknown"
    if "tool_name" in request and "provider" in request:
        return "tool"
    if "payload" in request and "url" in request:
        return "raw-http"
    if "url" in request and "method" in request:
        return "inference"
    return "unknown"


def request_hash(recording):
    obj = hashed_object(recording)
    if obj is None:
        return None, None
    text = json.dumps(obj, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest(), text


# ---------------------------------------------------------------------------------------------
# Cases

DUMPS_INPUTS = [
    ("1.0 stays 1.0", "1.0"),
    ("an int stays an int", "1"),
    ("negative zero float", "-0.0"),
    ("negative zero int is 0", "-0"),
    ("1e16 switches to exponent form", "1e16"),
    ("1e-5 switches to exponent form", "1e-5"),
    ("1.5e-05", "1.5e-05"),
    ("0.0001 stays positional", "0.0001"),
    ("big int survives", "123456789012345678901234567890"),
    ("negative big int survives", "-98765432109876543210987654321"),
    ("overflowing float is Infinity", "1E400"),
    ("negative overflowing float is -Infinity", "-1E400"),
    ("0.1 shortest repr", "0.1"),
    ("1e22", "1e22"),
    ("1e23 shortest repr", "1e23"),
    ("smallest subnormal", "5e-324"),
    ("largest double", "1.7976931348623157e308"),
    ("exponent literal is a float", "1E2"),
    ("9999999999999998.0 stays positional", "9999999999999998.0"),
    ("17 significant digits round to the nearest double", "12345678901234567.0"),
    ("non-ASCII is \\u-escaped", '"caf\u00e9 \u4e2d\u6587"'),
    ("escaped non-ASCII input", '"caf\\u00e9 \\u4e2d\\u6587"'),
    ("astral chars become surrogate pairs", '"\U0001f600"'),
    ("control chars", '"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t"'),
    ("DEL is escaped", '"\\u007f"'),
    ("U+2028 is escaped", '"\\u2028\\u2029"'),
    ("quotes, backslashes and slashes", '"a\\"b\\\\c\\/d"'),
    ("lone high surrogate", '"\\ud800"'),
    ("lone low surrogate then high", '"\\udc00\\ud800x"'),
    ("nested empty containers", '{"a": {}, "b": [], "c": [{}, []], "d": {"e": {}}}'),
    ("duplicate keys keep the first position and the last value", '{"a":1,"b":2,"a":3}'),
    ("integer-like keys keep insertion order", '{"b":1,"10":2,"2":3}'),
    ("keys sort by code point, not UTF-16 unit", '{"\\uffff": 1, "\U0001f600": 2, "\\ue000": 3, "a": 4}'),
    ("keys with a shared high surrogate sort by code point", '{"\\ud83d\\ude00": 1, "\\ud83d\\uffff": 2}'),
    ("__proto__ is a plain key", '{"__proto__": {"x": 1}, "constructor": 2}'),
    ("nested mix", '{"z": [1, 2.5, {"y": null, "x": true}], "a": false, "m": "s"}'),
    ("whitespace in the input is not kept", ' {\n  "a" :\t[ 1 ,2 ] } '),
]

FLOAT_REPR_INPUTS = [
    "0.0", "-0.0", "1.0", "0.1", "0.30000000000000004", "1e15", "1e16", "1.5e16",
    "9999999999999998.0", "0.001", "0.0001", "0.00001", "1.1e-07", "1e-7", "123456789.123",
    "9007199254740993", "9007199254740992", "1e21", "1e22", "1e23", "5e-324",
    "2.2250738585072014e-308", "1.7976931348623157e308", "-1e-320", "100.0", "1234567890123456.7",
    "0.015625", "2.675", "1.000005", "123.456789", "-3.14159",
]

ROUND_INPUTS = [
    ("0.015625", 5), ("2.675", 5), ("2.675", 2), ("0.000005", 5), ("0.0000049999", 5),
    ("0.000015", 5), ("1.000005", 5), ("-0.000001", 5), ("123.456789", 5), ("1e20", 5),
    ("0.5", 0), ("1.5", 0), ("2.5", 0), ("-2.5", 0), ("0.125", 2), ("0.375", 2), ("0.7", 5),
    ("1.0", 5), ("0.123456789", 5), ("1e-7", 5), ("-0.0", 5), ("99999.999995", 5),
    ("1.2345678901234567e16", 5), ("5e-324", 5), ("0.1", 1), ("1.7976931348623157e308", 5),
]

NORMALIZE_INPUTS = [
    (
        "a file_search result loses its score, attributes and document id",
        "[1] document_id: 3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8, score: 0.8723, "
        "attributes: {'filename': 'x.pdf', 'page': 3}\ncontent with 3.14159265 inside",
    ),
    ("a citation marker", "See <|0f1e2d3c-aaaa-bbbb-cccc-0123456789ab|> for details."),
    ("an upper-case uuid is not a citation", "<|0F1E2D3C-AAAA-BBBB-CCCC-0123456789AB|>"),
    ("pi rounds to five places", "pi is 3.14159265"),
    ("a negative decimal", "-0.000015"),
    ("five fraction digits are rewritten unchanged", "1.23450"),
    ("three fraction digits are left alone", "1.234 and 12.345"),
    ("a version-like run", "12.3456.789"),
    ("Arabic-Indic digits are digits to Python", "\u0661\u0662\u0663.\u0664\u0665\u0666\u0667\u0668"),
    ("fullwidth digits", "\uff11\uff12.\uff13\uff14\uff15\uff16\uff17"),
    ("mathematical bold digits (astral)", "x=\U0001d7cf\U0001d7d0.\U0001d7d1\U0001d7d2\U0001d7d3\U0001d7d4\U0001d7d5"),
    ("a tiny decimal rounds to negative zero", "-0.000001"),
    ("a huge decimal", "123456789012345678901234567890.12345"),
    ("double minus", "--1.234567"),
    ("score with an exponent", "score: 1.5e-3 and score:.5 and score:\u00a07"),
    ("score with Unicode digits", "score: \u0660.\u0665"),
    ("attributes with nested braces leave the outer brace", "x, attributes: {'a': {'b': 1}} y"),
    ("attributes across lines", "hit\n, \n attributes:\n{'k': 'v',\n'n': 2}\nend"),
    ("document id with no space", "document_id:11111111-2222-3333-4444-555555555555"),
    ("score noise goes before decimals", "score: 0.87234567 then 0.87234567"),
    ("tie at the fifth place on the exact binary value", "0.000015 2.675000 0.0000050"),
    ("no digits", "plain text"),
    ("empty", ""),
]


def rec(test_id=..., request=None):
    """A small recording as the recorder writes it (test_id ... means: no test_id key)."""
    out = {}
    if test_id is not ...:
        out["test_id"] = test_id
    out["request"] = request
    out["response"] = {"body": None, "is_streaming": False}
    return out


def inference(url, body, method="POST", model="gpt-4o"):
    return {"method": method, "url": url, "headers": {}, "body": body, "endpoint": urlparse(url).path, "model": model}


TID = "tests/integration/inference/test_x.py::test_y[txt=openai/gpt-4o]"
OPENAI = "https://api.openai.com/v1/chat/completions"
CHAT = {"model": "gpt-4o", "messages": [{"role": "user", "content": "Say hello"}], "stream": False}
BEDROCK = "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1/chat/completions"

HASH_INPUTS = [
    ("an inference request hashes method, endpoint, body and test_id", rec(TID, inference(OPENAI, CHAT))),
    ("a file without a test_id key is hashed with a null test_id", rec(..., inference("http://localhost:11434/api/generate", {"model": "llama3.2:3b", "prompt": "hi", "stream": False}))),
    ("a null test_id is hashed as null", rec(None, inference(OPENAI, CHAT))),
    ("model-list paths leave test_id out of the hash (/v1/models)", rec(TID, inference("https://api.openai.com/v1/models", None, method="GET", model=""))),
    ("model-list paths leave test_id out of the hash (/api/tags)", rec(TID, inference("http://localhost:11434/api/tags", None, method="GET", model=""))),
    ("model-list paths leave test_id out of the hash (/v1/openai/v1/models)", rec(None, inference("http://localhost:8321/v1/openai/v1/models", None, method="GET", model=""))),
    ("a bedrock host drops stream_options from the top level", rec(TID, inference(BEDROCK, {**CHAT, "stream": True, "stream_options": {"include_usage": True}}))),
    ("a bedrock host keeps a nested stream_options", rec(TID, inference(BEDROCK, {**CHAT, "metadata": {"stream_options": {"x": 1}}}))),
    ("a non-bedrock host keeps stream_options", rec(TID, inference(OPENAI, {**CHAT, "stream": True, "stream_options": {"include_usage": True}}))),
    ("the bedrock test is case-sensitive on the host", rec(TID, inference("https://Bedrock-runtime.example.com/v1/chat/completions", {**CHAT, "stream_options": {"include_usage": True}}))),
    (
        "project_id is dropped from top-level extra_body and extra_query, kept when nested in an object",
        rec(TID, inference(OPENAI, {**CHAT, "extra_body": {"project_id": "p-1", "guided_choice": ["a", "b"]}, "extra_query": {"project_id": "p-2"}, "metadata": {"extra_body": {"project_id": "kept"}}})),
    ),
    (
        "an object inside a list is normalized as a root too (project_id dropped there)",
        rec(TID, inference(OPENAI, {**CHAT, "messages": [{"role": "user", "content": [{"type": "text", "text": "x", "extra_body": {"project_id": "dropped too"}}], "extra_body": {"project_id": "dropped", "k": 1}}]})),
    ),
    (
        "floats round to 5 places, 1.0 stays a float, ints stay ints",
        rec(TID, inference(OPENAI, {**CHAT, "temperature": 0.7, "top_p": 1.0, "frequency_penalty": 0.123456789, "presence_penalty": 1e-7, "max_tokens": 50, "seed": 123456789012345678901234567890, "logit_bias": {"50256": -100, "1000": 5.5}})),
    ),
    ("long decimals inside strings are rewritten", rec(TID, inference(OPENAI, {**CHAT, "messages": [{"role": "user", "content": "Is 3.14159265 bigger than -0.000015? Version 12.3456.789"}]}))),
    ("a non-ASCII prompt hashes its \\u escapes", rec(TID, inference(OPENAI, {**CHAT, "messages": [{"role": "user", "content": "h\u00e9llo \u4e2d\u6587 \U0001f600 \u2028"}]}))),
    (
        "file-search noise in a tool message is normalized before hashing",
        rec(TID, inference(OPENAI, {**CHAT, "messages": [{"role": "tool", "tool_call_id": "call_1", "content": "[1] document_id: 3f2a9c1e-8b7d-4e6f-a5b4-c3d2e1f0a9b8, score: 0.8723, attributes: {'filename': 'x.pdf'}\nThe answer <|0f1e2d3c-aaaa-bbbb-cccc-0123456789ab|> is 0.123456789."}]})),
    ),
    (
        "a raw HTTP request hashes test_id, url, method and the normalized payload",
        rec(TID, {"method": "POST", "url": "https://api.anthropic.com/v1/messages", "payload": {"model": "claude-3-5-haiku", "max_tokens": 64, "temperature": 0.123456789, "messages": [{"role": "user", "content": "pi is 3.14159265"}]}, "test_id": TID}),
    ),
    (
        "a raw HTTP payload is normalized as a root body (project_id dropped from its extra_body)",
        rec(TID, {"method": "POST", "url": "http://localhost:8000/v1/chat/completions", "payload": {"model": "m", "extra_body": {"project_id": "p-1", "top_k": 5}}, "test_id": TID}),
    ),
    (
        "a raw HTTP method is upper-cased",
        rec(TID, {"method": "post", "url": "http://localhost:8000/v1/rerank", "payload": {"query": "q", "documents": ["a", "b"], "top_n": 2}, "test_id": TID}),
    ),
    (
        "a tool call hashes provider, tool_name and kwargs without normalizing them",
        rec(TID, {"provider": "tavily", "tool_name": "web_search", "kwargs": {"query": "pi is 3.14159265", "threshold": 0.123456789, "max_results": 3}, "test_id": TID}),
    ),
    ("the endpoint drops ;params, ?query and #fragment", rec(TID, inference("http://localhost:11434/v1/chat/completions;v=2?api-version=2024-01-01#frag", CHAT))),
    ("the method is upper-cased", rec(TID, inference(OPENAI, CHAT, method="post"))),
    ("a url without // has no host and keeps the port in the path", rec(TID, inference("localhost:8080/v1/chat/completions", CHAT))),
    ("a semicolon in an earlier path segment is kept", rec(TID, inference("http://h/a;b/v1/completions;x", CHAT))),
    (
        "the top-level test_id is found wherever it sits in the file, not a nested one",
        {
            "response": {"body": {"test_id": "not this one", "text": "}{\\\"]["}, "is_streaming": False},
            "request": inference(OPENAI, {**CHAT, "metadata": {"test_id": "nor this one", "note": "\"test_id\": \"x\""}}),
            "test_id": TID,
        },
    ),
]

URL_INPUTS = [
    "https://api.openai.com/v1/chat/completions",
    "http://0.0.0.0:11434/v1/v1/chat/completions",
    "http://localhost:11434/v1/chat/completions;v=2?api-version=2024-01-01#frag",
    "http://h/a;b/c;d",
    "http://h:1/v1/x?a=/b;c",
    "HTTP://Bedrock.example.com/v1",
    "https://bedrock-runtime.us-east-1.amazonaws.com/openai/v1/chat/completions",
    "localhost:8080/v1/models",
    "//h/p;q",
    "/v1/models",
    "file:///a;b",
    "mailto:x;y",
    "  http://h/leading-space",
    "http://h/tab\tin\npath",
    "http://user:pw@h:8/p?q#f",
    "http://h?q=1",
    "http://h#f/x",
    "",
]

def build():
    dumps = []
    for name, text in DUMPS_INPUTS:
        value = json.loads(text)
        dumps.append(
            {
                "name": name,
                "input": text,
                "dumps": json.dumps(value),
                "sort_keys": json.dumps(value, sort_keys=True),
                "indent2": json.dumps(value, indent=2),
            }
        )
    reprs = [{"input": s, "repr": repr(float(s))} for s in FLOAT_REPR_INPUTS]
    rounds = []
    for s, nd in ROUND_INPUTS:
        x = float(s)
        rounds.append({"input": repr(x), "ndigits": nd, "round": repr(round(x, nd)), "fixed": f"{x:.{nd}f}"})
    normalize = [{"name": name, "input": s, "output": normalize_string(s)} for name, s in NORMALIZE_INPUTS]
    hashes = []
    for name, recording in HASH_INPUTS:
        text = json.dumps(recording, indent=2) + "\n"
        h, normalized = request_hash(json.loads(text))
        hashes.append({"name": name, "recording": text, "kind": request_kind(json.loads(text)), "hash": h, "normalized": normalized})
    urls = []
    for url in URL_INPUTS:
        parsed = urlparse(url)
        urls.append({"input": url, "scheme": parsed.scheme, "netloc": parsed.netloc, "path": parsed.path})
    return {
        "python": sys.version.split()[0],
        "dumps": dumps,
        "repr": reprs,
        "round": rounds,
        "normalize": normalize,
        "hash": hashes,
        "urlparse": urls,
    }


def main():
    text = json.dumps(build(), indent=2) + "\n"
    if "--check" in sys.argv[1:]:
        if not OUT.exists() or OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is stale; re-run {sys.argv[0]}", file=sys.stderr)
            sys.exit(1)
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
