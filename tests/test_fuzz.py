"""Mutated workbooks: hypothesis flips bytes of a valid .xlsx and .ods (in the zip as stored, or
inside one of its XML parts, zipped again with a right CRC so the parsers see the damage), or
writes a sheet of rows and cells placed anywhere (with or without their `r` positions), and
`validate` and `sync` run on each in a worker process under a memory limit (RLIMIT_AS): the exit
code is always 0, 1, 2 or 3, never a traceback nor an "unexpected error", and the worker's peak
memory stays under a bound.

FUZZ_EXAMPLES (environment) sets the number of files per format (default 40); a longer campaign:
FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest -q tests/test_fuzz.py
"""

from __future__ import annotations

import io
import json
import os
import re
import select
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hostile_files import SHEET, base_ods, base_xlsx, part, patched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
ADDRESS_SPACE = 3 << 30  # the worker's RLIMIT_AS: a runaway allocation fails instead of taking the machine
PEAK_RSS_MIB = 400  # the bound on the worker's peak resident memory, over every file
ANSWER_WITHIN = 60  # seconds: a file on which a reader loops is a failure, not a hung test run

WORKER = r"""
import contextlib, io, json, resource, sys, traceback
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from sheetsync.app.cli import cli
for line in sys.stdin:
    command, path = json.loads(line)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            cli.main([command, path, "--as-of", "2025-12-31", "--quiet"], standalone_mode=False)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 2
        except BaseException:
            code = "crash"
            traceback.print_exc()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"code": code, "stderr": err.getvalue(), "peak_mib": peak}), flush=True)
"""


class Worker:
    def __init__(self):
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(ADDRESS_SPACE)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def run(self, command: str, path: Path) -> dict:
        self.process.stdin.write(json.dumps([command, str(path)]) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], ANSWER_WITHIN)
        if not ready:  # a reader looping on the file: kill the worker, fail, and say which file
            self.process.kill()
            pytest.fail(f"no answer within {ANSWER_WITHIN} s on {command} {path}")
        line = self.process.stdout.readline()
        assert line, f"the worker died on {command} {path} (exit {self.process.wait()})"
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def worker():
    w = Worker()
    yield w
    w.close()


BASES = {".xlsx": base_xlsx(), ".ods": base_ods()}
PARTS = {suffix: zipfile.ZipFile(io.BytesIO(data)).namelist() for suffix, data in BASES.items()}


@st.composite
def mutated(draw, suffix: str) -> bytes:
    data = BASES[suffix]
    flips = st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8)
    mode = draw(st.sampled_from(["values", "bytes in a part", "stored bytes"]))
    if mode == "values":  # well-formed still: attribute values and text changed, so the readers run
        name = draw(st.sampled_from([n for n in PARTS[suffix] if n.endswith((".xml", ".rels"))]))
        content = zipfile.ZipFile(io.BytesIO(data)).read(name)
        spots = [m.span(1) for m in re.finditer(rb'="([^"]*)"|>([^<]+)<', content) if m.start(1) >= 0]
        token = st.text(alphabet="0123456789-.:ABCDEFGHIXYZabc $#;", min_size=0, max_size=12)
        for where in draw(st.lists(st.floats(0, 1, exclude_max=True), min_size=1, max_size=6)):
            if spots:
                start, end = spots[int(where * len(spots))]
                content = content[:start] + draw(token).encode() + content[end:]
                spots = [m.span(1) for m in re.finditer(rb'="([^"]*)"|>([^<]+)<', content) if m.start(1) >= 0]
        return patched(data, {name: content})
    if mode == "bytes in a part":  # the XML parsers see it
        name = draw(st.sampled_from(PARTS[suffix]))
        content = bytearray(zipfile.ZipFile(io.BytesIO(data)).read(name))
        for where, value in draw(flips):
            if content:
                content[int(where * len(content))] = value
        if draw(st.booleans()) and content:
            content = content[: draw(st.integers(0, len(content)))]
        return patched(data, {name: bytes(content)})
    raw = bytearray(data)  # the zip as stored
    for where, value in draw(flips):
        raw[int(where * len(raw))] = value
    return bytes(raw)


def check(worker, tmp_path: Path, suffix: str, data: bytes) -> None:
    path = tmp_path / f"fuzzed{suffix}"
    path.write_bytes(data)
    for command in ("validate", "sync"):
        answer = worker.run(command, path)
        assert answer["code"] in (0, 1, 2, 3), answer["stderr"]
        assert "Traceback" not in answer["stderr"] and "unexpected error" not in answer["stderr"], answer["stderr"]
        assert answer["peak_mib"] < PEAK_RSS_MIB, answer
    for leftover in tmp_path.glob(".fuzzed*.tmp"):
        pytest.fail(f"a temporary file was left: {leftover.name}")


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
@FUZZ
@given(data=st.data())
def test_mutated_files_end_in_an_exit_code_never_a_traceback(worker, tmp_path, suffix, data):
    check(worker, tmp_path, suffix, data.draw(mutated(suffix)))


COLUMNS = ["A", "Z", "CV", "GR", "GS", "ZZ", "XFD"]


@st.composite
def placed(draw) -> bytes:
    """The base .xlsx whose first sheet gets rows and cells placed anywhere: by `r` or by their
    order, some rows very wide, many narrow rows with varied values (so the ratio limit does not
    catch them first)."""
    rows = []
    for _ in range(draw(st.integers(1, 4))):
        row = draw(st.one_of(st.none(), st.integers(1, 1_048_576)))
        column = draw(st.one_of(st.none(), st.sampled_from(COLUMNS)))
        width = draw(st.sampled_from([1, 3, 150, 250, 20_000]))
        ref = f' r="{column}{row or 1}"' if column else ""
        rows.append(f"<row{f' r={chr(34)}{row}{chr(34)}' if row else ''}>" + f"<c{ref}><v>1</v></c>" * width + "</row>")
    narrow = draw(st.sampled_from([0, 1_000, 60_000, 120_000]))
    seed = draw(st.integers(0, 1000))
    filler = "".join(f"<row><c><v>{(i * 7919 + seed) % 1000003}</v></c></row>" for i in range(narrow))
    sheet = part(BASES[".xlsx"], SHEET)
    body = "".join(draw(st.permutations(rows))) + filler
    return patched(BASES[".xlsx"], {SHEET: sheet.replace(b"</sheetData>", body.encode() + b"</sheetData>")})


@settings(max_examples=max(10, EXAMPLES // 2), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=placed())
def test_cells_placed_anywhere_stay_within_the_memory_bound(worker, tmp_path, data):
    check(worker, tmp_path, ".xlsx", data)
