"""Many groups from one configuration file: each group's workbook, credentials and secret,
run one after the other, paced under Google's per-user quota; one group's failure never stops
the others.

    [server]                       # for `sheetsync serve`
    host = "127.0.0.1"
    port = 8080
    public_url = "https://sheetsync.example.org"

    [limits]                       # reading limits for every group (docs/limits.md)
    rows = 500000

    [[groups]]
    name = "lilas"
    workbook = "https://docs.google.com/spreadsheets/d/…/edit"
    credentials = "/etc/sheetsync/key.json"      # Google Sheets only
    secret_env = "SHEETSYNC_SECRET_LILAS"         # or secret_file = "…": signs the menu's calls
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sheetsync.app.shards import ALL, Shard
from sheetsync.backends.limits import Limits, load_limits
from sheetsync.backends.locations import spreadsheet_id
from sheetsync.errors import SetupError, SheetsyncError, os_reason, read_toml
from sheetsync.i18n import N_
from sheetsync.model import AsOf

MIN_SECRET_BYTES = 32  # a menu's secret: 256 bits, as long as the HMAC's key block deserves
REQUESTS_PER_GOOGLE_SYNC = 2  # one spreadsheets.get, one batchUpdate
QUOTA_PER_MINUTE = 60  # Sheets API, per user per project


@dataclass(frozen=True)
class GroupConfig:
    """One group of GROUPS.TOML: its name, workbook, Google credentials and where its secret is."""

    name: str
    workbook: str
    credentials: str | None = None
    secret_env: str | None = None
    secret_file: str | None = None

    @property
    def is_google(self) -> bool:
        return spreadsheet_id(self.workbook) is not None

    def secret(self) -> bytes | None:
        """The group's webhook secret, from its environment variable or file; never from the sheet."""
        if self.secret_env and os.environ.get(self.secret_env):
            return os.environ[self.secret_env].encode()
        if self.secret_file:
            try:
                return Path(self.secret_file).expanduser().read_bytes().strip()
            except OSError as exc:
                raise SetupError(
                    N_("Cannot read the secret file of group {name}: {reason}."),
                    N_("Check the path of its secret_file in the groups file, and who may read it."),
                    name=self.name,
                    reason=os_reason(exc),
                ) from exc
        return None

    def signing_secret(self) -> bytes | None:
        """The group's secret if it is strong enough to sign calls and links (read once), else None."""
        secret = self.secret()
        return secret if _weakness(secret) is None else None


def _weakness(secret: bytes | None) -> str | None:
    """Why `secret` cannot sign calls and links: "missing", "short" (under 32 bytes); None: it can."""
    if secret is None:
        return "missing"
    return "short" if len(secret) < MIN_SECRET_BYTES else None


@dataclass(frozen=True)
class FleetConfig:
    """Every group of GROUPS.TOML, and its [server] table."""

    groups: list[GroupConfig]
    server: dict = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)

    def group(self, name: str) -> GroupConfig:
        """The group called `name`, or a SetupError listing the groups there are."""
        found = next((g for g in self.groups if g.name == name), None)
        if found is None:
            raise SetupError(
                N_("No group {name} in the configuration."),
                N_("Use one of: {choices}."),
                name=name,
                choices=", ".join(g.name for g in self.groups),
            )
        return found

    def check_secrets(self, groups: list[GroupConfig] | None = None) -> dict[str, bytes]:
        """Each group's secret (all, or `groups`), read once; a SetupError naming the groups whose
        secret is missing or shorter than 32 bytes: neither the service nor the links work with a
        secret that cannot sign safely."""
        secrets = {g.name: g.secret() for g in (self.groups if groups is None else groups)}
        why = {name: _weakness(secret) for name, secret in secrets.items()}
        missing = [name for name, weak in why.items() if weak == "missing"]
        if missing:
            raise SetupError(
                N_("No secret for: {groups}."),
                N_("Give each group secret_env (an environment variable) or secret_file in GROUPS.TOML."),
                groups=", ".join(missing),
            )
        short = [name for name, weak in why.items() if weak == "short"]
        if short:
            raise SetupError(
                N_("The secret of {groups} is too short: a secret needs at least 32 bytes."),
                N_(
                    "Make a good one with: sheetsync apps-script SHEET --url URL --group NAME --new-secret FILE "
                    "(it writes 64 random hexadecimal characters into FILE), then point secret_file at it."
                ),
                groups=", ".join(short),
            )
        return secrets


def load_groups(path: str) -> FleetConfig:
    """Read GROUPS.TOML; a SetupError names what is wrong in it."""
    data = read_toml(path, N_("See `sheetsync fleet --help` for its layout."))
    groups = []
    for i, entry in enumerate(data.get("groups", []), start=1):
        if not entry.get("name") or not entry.get("workbook"):
            raise SetupError(
                N_("Group {i} of {path} needs a name and a workbook."), N_('name = "…", workbook = "…"'), i=i, path=path
            )
        if not re.fullmatch(r"[A-Za-z0-9_-]+", entry["name"]):
            raise SetupError(
                N_('The group name "{name}" in {path} is not a plain word.'),
                N_("Use letters, digits, - and _ only: it goes into the service's addresses."),
                name=entry["name"],
                path=path,
            )
        groups.append(
            GroupConfig(
                entry["name"],
                entry["workbook"],
                entry.get("credentials"),
                entry.get("secret_env"),
                entry.get("secret_file"),
            )
        )
    if len({g.name for g in groups}) != len(groups):
        raise SetupError(N_("Two groups of {path} have the same name."), N_("Give each group its own name."), path=path)
    if not groups:
        raise SetupError(
            N_("{path} lists no group."), N_("Add [[groups]] tables with a name and a workbook."), path=path
        )
    limits = data.get("limits", {})
    if not isinstance(limits, dict):
        raise SetupError(
            N_("The [limits] of {path} is not a table."), N_("Write it as [limits] with KEY = NUMBER lines."), path=path
        )
    return FleetConfig(groups, data.get("server", {}), load_limits(table=limits))


class TokenBucket:
    """At most `capacity` tokens at once, refilled at `rate` tokens a second; take() waits for them."""

    def __init__(
        self,
        rate: float,
        capacity: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.rate, self.capacity, self.clock, self.sleep = rate, capacity, clock, sleep
        self.tokens, self.updated = capacity, clock()

    def take(self, n: float) -> float:
        """Take `n` tokens, waiting as long as needed; returns the seconds waited."""
        waited = 0.0
        while True:
            now = self.clock()
            self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            if self.tokens >= n:
                self.tokens -= n
                return waited
            pause = (n - self.tokens) / self.rate
            self.sleep(pause)
            waited += pause


def sheets_quota(share: float = 1.0) -> TokenBucket:
    """A token bucket at `share` of Google Sheets' per-user quota (requests a minute)."""
    per_minute = QUOTA_PER_MINUTE * share
    return TokenBucket(per_minute / 60, per_minute)


@dataclass
class GroupResult:
    """How one group's run ended: its exit code and summary line, or the error that stopped it."""

    name: str
    exit_code: int
    summary: str
    error: str | None = None


def run_fleet(
    config: FleetConfig,
    as_of: AsOf | None,
    run_one: Callable,
    quota: Callable[[], TokenBucket] | None = None,
    shard: Shard = ALL,
) -> list[GroupResult]:
    """`run_one(group, as_of) -> (exit code, summary)` for every group of this `shard`, in order;
    an exception of one group is its result, and the next group runs.

    Google groups wait for quota first: one bucket per service account (the groups' credentials),
    each at this shard's share of the account's quota (`quota()` makes a bucket; default: the
    real quota divided by the number of shards)."""
    quota = quota or (lambda: sheets_quota(1 / shard.count))
    buckets: dict[str | None, TokenBucket] = {}
    results = []
    for group in config.groups:
        if not shard.holds(group.name):
            continue
        if group.is_google:
            bucket = buckets.get(group.credentials) or buckets.setdefault(group.credentials, quota())
            bucket.take(REQUESTS_PER_GOOGLE_SYNC)
        try:
            code, summary = run_one(group, as_of)
            results.append(GroupResult(group.name, code, summary))
        except SheetsyncError as exc:
            results.append(GroupResult(group.name, exc.exit_code, "", str(exc).splitlines()[0]))
        except Exception as exc:  # noqa: BLE001 - one group's surprise must not stop the others
            results.append(GroupResult(group.name, 3, "", f"{type(exc).__name__}: {exc}"))
    return results
