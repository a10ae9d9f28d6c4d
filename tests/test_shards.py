"""Fleet runs past one machine: the shards partition any set of groups exactly, and each shard
paces itself under its share of each service account's quota."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sheetsync.app.cli import cli
from sheetsync.app.fleet import FleetConfig, GroupConfig, TokenBucket, run_fleet
from sheetsync.app.shards import Shard, parse_shard, share_of
from sheetsync.errors import SetupError

names = st.lists(st.text(min_size=1, max_size=20), unique=True, max_size=60)


@given(names, st.integers(1, 12))
def test_the_shards_partition_any_set_of_groups_exactly(group_names, count):
    runs = {}
    for index in range(count):
        config = FleetConfig([GroupConfig(n, "x.xlsx") for n in group_names])
        for result in run_fleet(config, date(2025, 1, 1), lambda g, d: (0, ""), shard=Shard(index, count)):
            runs.setdefault(result.name, []).append(index)
    assert sorted(runs) == sorted(group_names)  # every group runs...
    assert all(len(shards) == 1 for shards in runs.values())  # ...exactly once


@given(names, st.integers(1, 12))
def test_a_groups_share_depends_only_on_its_name(group_names, count):
    alone = {n: share_of(n, count) for n in group_names}
    assert all(share_of(n, count) == alone[n] for n in reversed(group_names))


def test_shares_spread_the_groups():
    counts = [0] * 4
    for i in range(4000):
        counts[share_of(f"group-{i}", 4)] += 1
    assert all(900 < c < 1100 for c in counts)


def test_shard_from_the_command_line_and_from_kubernetes():
    assert parse_shard("1/3") == Shard(1, 3)
    assert parse_shard("auto/3", {"JOB_COMPLETION_INDEX": "2"}) == Shard(2, 3)
    for bad in ("3/3", "-1/3", "1", "a/b", "0/0"):
        with pytest.raises(SetupError, match="is not a shard"):
            parse_shard(bad, {})
    with pytest.raises(SetupError, match="JOB_COMPLETION_INDEX"):
        parse_shard("auto/3", {})


def test_each_service_account_is_paced_on_its_own_share():
    clock = {"now": 0.0}

    def sleep(seconds):
        clock["now"] += seconds

    made = []

    def quota():  # what run_fleet makes per account: here half the quota (two shards)
        made.append(TokenBucket(rate=0.5, capacity=30, clock=lambda: clock["now"], sleep=sleep))
        return made[-1]

    groups = [GroupConfig(f"a{i}", f"gsheet:a{i}", "a.json") for i in range(18)]
    groups += [GroupConfig(f"b{i}", f"gsheet:b{i}", "b.json") for i in range(10)]
    ran = []
    run_fleet(FleetConfig(groups), date(2025, 1, 1), lambda g, d: ran.append((g.name, clock["now"])) or (0, ""), quota)
    assert len(made) == 2  # one bucket per service account
    at = dict(ran)
    assert at["a14"] == 0.0 and at["a15"] == pytest.approx(4.0)  # 30 requests at once, then 2 per 4 s
    assert at["a17"] == pytest.approx(12.0)
    assert at["b0"] == pytest.approx(12.0)  # b's bucket is full when a's is spent: it waits for nothing of a's


def test_fleet_shard_on_the_command_line(tmp_path, example2):
    from conftest import write_xlsx

    lines = []
    for i in range(4):
        write_xlsx(tmp_path / f"g{i}.xlsx", example2)
        lines.append(f'[[groups]]\nname = "g{i}"\nworkbook = "{tmp_path / f"g{i}.xlsx"}"\n')
    config = tmp_path / "groups.toml"
    config.write_text("\n".join(lines))
    seen = []
    for index in range(2):
        result = CliRunner().invoke(cli, ["fleet", str(config), "--shard", f"{index}/2", "--as-of", "2025-12-31"])
        assert result.exit_code == 0, result.output
        seen += [line.split()[0] for line in result.stdout.splitlines()[2:]]
    assert sorted(seen) == ["g0", "g1", "g2", "g3"]
    many = [share_of(f"g{i}", 8) for i in range(4)]
    empty = next(k for k in range(8) if k not in many)  # a share none of the four groups falls in
    none = CliRunner().invoke(cli, ["fleet", str(config), "--shard", f"{empty}/8", "--as-of", "2025-12-31"])
    assert none.exit_code == 0 and none.stdout == f"No group of {config} falls in this shard.\n"
    bad = CliRunner().invoke(cli, ["fleet", str(config), "--shard", "2/2"])
    assert bad.exit_code == 2 and "is not a shard" in bad.stderr
    ignored = CliRunner().invoke(cli, ["sync", "--config", str(config), "--limit", "rows=500000", "--oauth"])
    assert ignored.exit_code == 2 and "--oauth, --limit cannot go with --config" in ignored.stderr
    assert "Traceback" not in ignored.output
