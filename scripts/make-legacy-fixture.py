#!/usr/bin/env python3
"""Build test/fixtures/legacy-index/: a cut-down copy of the 2025-08 index layout.

Run by hand from the repo root (tests never run it; they use the committed output):

    python3 scripts/make-legacy-fixture.py [SAMPLE_RECORDINGS_DIR]

SAMPLE_RECORDINGS_DIR defaults to
/work/shared/samples/2025-08-index-layout/tests/integration/recordings (real files copied from
llama-stack). The fixture gets:
  - index.sqlite with the sample's own `recordings` table definition and 6 of its real rows;
  - responses/<hash12>.json for 5 of those rows, copied byte for byte;
  - no response file for the 6th row        -> `index-orphan` for `prune`;
  - one real response file that no row names -> `unindexed` for `prune`
    (f1ea938b0b0d.json is unindexed in the sample too).
"""

import shutil
import sqlite3
import sys
from pathlib import Path

SAMPLE = Path(
    sys.argv[1]
    if len(sys.argv) > 1
    else "/work/shared/samples/2025-08-index-layout/tests/integration/recordings"
)
OUT = Path(__file__).resolve().parent.parent / "test/fixtures/legacy-index/tests/integration/recordings"

# Small files that cover the endpoints the legacy index holds (ollama admin, generate,
# chat completions, one streamed).
KEPT = ["3877ecf1bc62", "d0ac68cbde69", "211b1562d4e6", "3c0bf9ba81b2", "3ca695048bee"]
ORPHAN_ROW = "afb33182f365"  # row copied, response file deliberately not copied
UNINDEXED_FILE = "f1ea938b0b0d"  # response file copied, no row names it


def main() -> None:
    src = sqlite3.connect(f"file:{SAMPLE / 'index.sqlite'}?mode=ro", uri=True)
    (create_sql,) = src.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'recordings'"
    ).fetchone()
    rows = []
    for short in KEPT + [ORPHAN_ROW]:
        row = src.execute(
            "SELECT request_hash, response_file, endpoint, model, timestamp, is_streaming"
            " FROM recordings WHERE response_file = ?",
            (f"{short}.json",),
        ).fetchone()
        if row is None:
            sys.exit(f"{short}.json is not in {SAMPLE / 'index.sqlite'}")
        rows.append(row)
    src.close()

    if OUT.exists():
        shutil.rmtree(OUT)
    (OUT / "responses").mkdir(parents=True)

    dst = sqlite3.connect(OUT / "index.sqlite")
    dst.execute(create_sql)
    dst.executemany("INSERT INTO recordings VALUES (?, ?, ?, ?, ?, ?)", rows)
    dst.commit()
    dst.execute("VACUUM")
    dst.close()

    for short in KEPT + [UNINDEXED_FILE]:
        shutil.copyfile(SAMPLE / "responses" / f"{short}.json", OUT / "responses" / f"{short}.json")

    print(f"wrote {OUT}: {len(rows)} rows, {len(KEPT) + 1} response files")


if __name__ == "__main__":
    main()
