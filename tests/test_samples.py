"""The sample workbooks: rebuilt identically by their script, and they give the guide's figures."""

import importlib.util
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import read_xlsx

from sheetsync.app.cli import cli

SAMPLES = Path(__file__).resolve().parents[1] / "sample_workbooks"


def load_build():
    spec = importlib.util.spec_from_file_location("build_samples", SAMPLES / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_script_rebuilds_the_committed_samples(tmp_path):
    for path in load_build().build(tmp_path):
        assert read_xlsx(path) == read_xlsx(SAMPLES / path.name), path.name


@pytest.mark.parametrize(
    "name,balances",
    [
        ("exemple-laurent.xlsx", {"Laurent": "639.52", "Catherine": "-467.98", "Julien": "-171.54"}),
        ("sample-marie.xlsx", {"Marie": "1150.00", "Françoise": "-341.00", "Pierre": "-809.00"}),
    ],
)
def test_samples_give_the_worked_examples(name, balances):
    result = CliRunner().invoke(cli, ["report", str(SAMPLES / name), "--format", "json", "--as-of", "2025-12-31"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {m["name"]: m["balance"] for m in data["members"]} == balances
    assert [p for p in data["problems"] if p["code"] != "booking.conflict"] == []


def test_french_sample_is_a_realistic_year():
    tabs = read_xlsx(SAMPLES / "exemple-laurent.xlsx")
    trips = tabs["Trajets"][1:]
    assert len(trips) > 80
    assert len({t[0].month for t in trips}) == 12
    assert sum(1 for t in trips if t[7]) >= 15  # fill-ups written on logbook lines


def test_english_sample_has_a_planted_clash_judged_by_the_rule():
    result = CliRunner().invoke(
        cli, ["validate", str(SAMPLES / "sample-marie.xlsx"), "--as-of", "2025-12-31", "--format", "json"]
    )
    assert result.exit_code == 0
    clashes = json.loads(result.stdout)
    assert [(p["tab"], p["row"], p["code"]) for p in clashes] == [
        ("Bookings", 2, "booking.conflict"),
        ("Bookings", 3, "booking.conflict"),
    ]
    assert clashes[0]["message"] == "Twingo is also booked by Françoise on row 3 (17 Jan 2026 10:00–18:00)."
    assert (
        clashes[0]["hint"]
        == clashes[1]["hint"]
        == ("Under the group's rule (first booked), Françoise keeps the car: booked first, on 20 Dec 2025.")
    )
