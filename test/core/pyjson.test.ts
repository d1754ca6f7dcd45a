/**
 * src/core/pyjson.ts against CPython: every expected value here was computed once by
 * scripts/gen-python-cases.py (real `json`, `round`, `repr`, f-strings) and committed as
 * test/fixtures/python-cases.json; the tests never run Python. The sample recordings under
 * test/fixtures/samples/ are real files the recorder wrote with `json.dump(indent=2)`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { proveFormatted } from "../../src/core/format.js";
import { dumpsSorted } from "../../src/core/hash.js";
import { describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import {
  comparePyStr,
  dumps,
  formatFixed,
  MAX_DEPTH,
  nestingDepthExceeded,
  parseExact,
  pyFloatRepr,
  pyRound,
  pyStringLiteral,
  recorderFormat,
} from "../../src/core/pyjson.js";
import { jsonFiles } from "../files.js";

// dist-test/test/core/ is three levels below the repo root.
const CASES_FILE = new URL("../../../test/fixtures/python-cases.json", import.meta.url);
const SAMPLES_DIR = fileURLToPath(new URL("../../../test/fixtures/samples/", import.meta.url));

interface DumpsCase {
  name: string;
  input: string;
  dumps: string;
  sort_keys: string;
  indent2: string;
}
interface ReprCase {
  input: string;
  repr: string;
}
interface RoundCase {
  input: string;
  ndigits: number;
  round: string;
  fixed: string;
}
interface PythonCases {
  python: string;
  dumps: DumpsCase[];
  repr: ReprCase[];
  round: RoundCase[];
}

const cases = JSON.parse(fs.readFileSync(CASES_FILE, "utf8")) as PythonCases;

function dumpsCase(input: string): DumpsCase {
  const found = cases.dumps.find((c) => c.input === input);
  assert.ok(found, `no dumps case for ${input} in python-cases.json`);
  return found;
}

function roundCase(input: string, ndigits: number): RoundCase {
  const found = cases.round.find((c) => c.input === input && c.ndigits === ndigits);
  assert.ok(found, `no round case for (${input}, ${ndigits}) in python-cases.json`);
  return found;
}


/**
 * Why a `JSON.parse` value cannot be printed back as Python would: an integral float (`1.0`)
 * within 2**53, which JavaScript cannot tell from an int, or an int beyond 2**53, which it
 * cannot tell from a float. (`-0.0` and integral floats beyond 2**53 print as floats.) Null when
 * nothing is lost.
 */

describe(`json.dumps as CPython ${cases.python} prints it`, () => {
  test("1.0 stays 1.0", () => {
    assert.equal(dumps(parseExact("1.0")), dumpsCase("1.0").dumps);
    assert.equal(dumps(parseExact("1.0")), "1.0");
    assert.equal(dumps(parseExact("1")), "1");
  });

  test("non-ASCII is \\uXXXX-escaped, astral chars as surrogate pairs", () => {
    const c = dumpsCase('"\u{1f600}"');
    assert.equal(dumps(parseExact(c.input)), c.dumps);
    assert.equal(c.dumps, '"\\ud83d\\ude00"');
  });

  test("big integers survive exactly", () => {
    const c = dumpsCase("123456789012345678901234567890");
    assert.equal(dumps(parseExact(c.input)), c.dumps);
  });

  for (const c of cases.dumps) {
    test(`${c.name}: ${JSON.stringify(c.input)}`, () => {
      const value = parseExact(c.input);
      assert.deepEqual(
        {
          dumps: dumps(value),
          sort_keys: dumpsSorted(value),
          indent2: dumps(value, { indent: 2 }),
        },
        { dumps: c.dumps, sort_keys: c.sort_keys, indent2: c.indent2 },
      );
    });
  }
});

describe("parseExact reads what json.loads reads", () => {
  test("a literal with a fraction or exponent is a float, any other an int", () => {
    assert.equal(parseExact("1"), 1n);
    assert.equal(parseExact("1.0"), 1);
    assert.equal(parseExact("1E2"), 100);
    assert.equal(parseExact("-0"), 0n);
    assert.ok(Object.is(parseExact("-0.0"), -0));
    assert.equal(parseExact("123456789012345678901234567890"), 123456789012345678901234567890n);
    assert.equal(parseExact("1E400"), Infinity);
  });

  test("duplicate keys keep the first position and the last value, as dict does", () => {
    const value = parseExact('{"a":1,"b":2,"a":3}');
    assert.ok(value instanceof Map);
    assert.deepEqual([...value.entries()], [["a", 3n], ["b", 2n]]);
  });

  test("integer-like keys keep their order and __proto__ is a plain key", () => {
    const value = parseExact('{"b":1,"10":2,"2":3,"__proto__":{"x":1}}');
    assert.ok(value instanceof Map);
    assert.deepEqual([...value.keys()], ["b", "10", "2", "__proto__"]);
  });

  test("text that is not strict JSON is refused", () => {
    assert.throws(() => parseExact('{"a": 1,}'));
    assert.throws(() => parseExact("// c\n1"));
    assert.throws(() => parseExact(""));
  });

  test("NaN, Infinity and -Infinity are floats, as json.loads reads them; lowercase nan is not", () => {
    const value = parseExact("[-Infinity, NaN, Infinity]");
    assert.ok(Array.isArray(value));
    assert.deepEqual(value, [-Infinity, NaN, Infinity]);
    assert.equal(dumps(value), "[-Infinity, NaN, Infinity]");
    assert.throws(() => parseExact('{"a": nan}'), { message: "Expecting value", offset: 6 });
  });

  // Message and offset of Python 3.11's json.JSONDecodeError for the same text (e.msg, e.pos).
  const PYTHON_ERRORS: [string, string, number][] = [
    ['{"a": 1,}', "Expecting property name enclosed in double quotes", 8],
    ["[1, 2", "Expecting ',' delimiter", 5],
    ['"abc', "Unterminated string starting at", 0],
    ['"a\u0001"', "Invalid control character at", 2],
    ['"\\x"', "Invalid \\escape", 1],
    ["1 2", "Extra data", 2],
    ["", "Expecting value", 0],
    ['{"a" 1}', "Expecting ':' delimiter", 5],
    ["[1 2]", "Expecting ',' delimiter", 3],
    ['{"a": 1 "b": 2}', "Expecting ',' delimiter", 8],
    ["-", "Expecting value", 0],
  ];
  for (const [text, message, offset] of PYTHON_ERRORS) {
    test(`${JSON.stringify(text)}: ${message} at ${offset}, as Python says`, () => {
      assert.throws(() => parseExact(text), { name: "PyJsonParseError", message, offset });
    });
  }

  test("escaped surrogate pairs join and a lone surrogate stays, as in Python", () => {
    assert.equal(parseExact('"\\ud83d\\ude00 \\ud800"'), "\u{1F600} \ud800");
  });

  test("nesting is read without recursion, at any depth", () => {
    const deep = parseExact(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
    assert.ok(Array.isArray(deep));
  });
});

describe("nestingDepthExceeded: the depth Python's json.load refuses (994 containers load, 995 do not)", () => {
  test("994 levels pass, the 995th bracket is where it fails", () => {
    assert.equal(MAX_DEPTH, 994);
    assert.equal(nestingDepthExceeded(`${"[".repeat(994)}0${"]".repeat(994)}`), -1);
    assert.equal(nestingDepthExceeded(`${"[".repeat(995)}0${"]".repeat(995)}`), 994);
    assert.equal(nestingDepthExceeded(`${'{"a": '.repeat(995)}0${"}".repeat(995)}`), 994 * 6);
  });

  test("brackets inside strings do not count, escaped quotes do not end a string", () => {
    const text = `["${"[".repeat(2000)}\\"${"{".repeat(2000)}", [1]]`;
    assert.equal(nestingDepthExceeded(text), -1);
  });

  test("many containers side by side are not depth", () => {
    assert.equal(nestingDepthExceeded(`[${"[1], ".repeat(5000)}[]]`), -1);
  });
});

describe("float repr (what json.dumps prints for a float)", () => {
  for (const c of cases.repr) {
    test(`repr(${c.input}) is ${c.repr}`, () => {
      assert.equal(pyFloatRepr(Number(c.input)), c.repr);
    });
  }

  test("non-finite floats print as json.dumps prints them", () => {
    assert.equal(pyFloatRepr(Infinity), "Infinity");
    assert.equal(pyFloatRepr(-Infinity), "-Infinity");
    assert.equal(pyFloatRepr(NaN), "NaN");
  });
});

describe("round and fixed-point formatting", () => {
  test("round(0.015625, 5) is 0.01562 (ties to even on the exact binary value)", () => {
    const c = roundCase("0.015625", 5);
    assert.equal(c.round, "0.01562");
    assert.equal(pyFloatRepr(pyRound(0.015625, 5)), c.round);
    assert.equal(formatFixed(0.015625, 5), c.fixed);
  });

  test("round(2.675, 2) is 2.67 (2.675 is stored just below the tie)", () => {
    const c = roundCase("2.675", 2);
    assert.equal(pyFloatRepr(pyRound(2.675, 2)), c.round);
  });

  for (const c of cases.round) {
    test(`round(${c.input}, ${c.ndigits}) is ${c.round} and f"{x:.${c.ndigits}f}" is ${c.fixed.length > 40 ? `${c.fixed.slice(0, 20)}…` : c.fixed}`, () => {
      const x = Number(c.input);
      assert.equal(pyFloatRepr(pyRound(x, c.ndigits)), c.round);
      assert.equal(formatFixed(x, c.ndigits), c.fixed);
    });
  }
});

describe("strings and key order", () => {
  test("printable ASCII is left alone; quotes, backslashes and controls are escaped", () => {
    assert.equal(pyStringLiteral("a b~"), '"a b~"');
    assert.equal(pyStringLiteral('"\\\n\u0000\u007f'), '"\\"\\\\\\n\\u0000\\u007f"');
  });

  test("str order is code-point order, not UTF-16 order", () => {
    assert.ok(comparePyStr("\uffff", "\u{1f600}") < 0);
    assert.ok(comparePyStr("\u{1f600}", "\ue000") > 0);
    assert.ok(comparePyStr("a", "ab") < 0);
    assert.equal(comparePyStr("x\u{1f600}", "x\u{1f600}"), 0);
  });
});

describe("recorder formatting: json.dump(indent=2) plus a newline", () => {
  test("recorderFormat is dumps with indent 2 and a trailing newline", () => {
    for (const c of cases.dumps) assert.equal(recorderFormat(parseExact(c.input)), `${c.indent2}\n`, c.name);
  });

  // The native fast path may only claim "in recorder format" when the exact path agrees.
  // (json.dumps writes Infinity for an overflowing float, which is not JSON: JSON.parse refuses
  // it, so such text never reaches the native path.)
  const parsable = cases.dumps.filter((c) => !/Infinity|NaN/.test(c.indent2));
  for (const c of parsable) {
    test(`the native fast path never disagrees with the exact path: ${c.name}`, () => {
      const text = `${c.indent2}\n`;
      const exact = parseExact(text);
      const native = proveFormatted(text, JSON.parse(text)).formatted ?? null;
      const truth = recorderFormat(exact) === text;
      // Certain answers must be right; "cannot tell" (null) sends the caller to the exact parse.
      if (native !== null) assert.equal(native, truth);
    });
  }

  for (const file of jsonFiles(SAMPLES_DIR)) {
    const rel = path.relative(SAMPLES_DIR, file);
    test(`a real recording prints back byte for byte: ${rel}`, () => {
      const text = fs.readFileSync(file, "utf8");
      const exact = parseExact(text);
      assert.equal(recorderFormat(exact), text);
      // Real recordings (integral floats like temperature 0.0 included) are judged by the fast path alone.
      assert.equal(proveFormatted(text, JSON.parse(text)).formatted ?? null, true);
    });
  }
});
