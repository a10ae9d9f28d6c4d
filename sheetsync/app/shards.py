"""Fleet runs past one machine: COUNT machines each run their share of the groups, by a stable
hash of the group's name, so that together they run every group exactly once.

`--shard INDEX/COUNT` (0 <= INDEX < COUNT) picks a share; `--shard auto/COUNT` takes INDEX from
`JOB_COMPLETION_INDEX`, the variable Kubernetes sets in each pod of an Indexed Job or CronJob, so
every pod runs the same command line. A group's share depends only on its name and COUNT: adding
or removing other groups never moves it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass

from sheetsync.errors import SetupError
from sheetsync.i18n import N_

INDEX_VARIABLE = "JOB_COMPLETION_INDEX"


@dataclass(frozen=True)
class Shard:
    """This machine's share: the groups whose hash falls on `index` among `count` shares."""

    index: int = 0
    count: int = 1

    def holds(self, group_name: str) -> bool:
        """Whether the group named `group_name` is run by this shard."""
        return share_of(group_name, self.count) == self.index


ALL = Shard()


def share_of(group_name: str, count: int) -> int:
    """The share (0 to count - 1) of a group: a hash of its name, the same on every machine."""
    digest = hashlib.sha256(group_name.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count


def parse_shard(text: str, environ: Mapping[str, str] = os.environ) -> Shard:
    """`INDEX/COUNT` or `auto/COUNT` (INDEX from $JOB_COMPLETION_INDEX) as a Shard; a SetupError
    says what is wrong with it."""
    index_text, slash, count_text = text.partition("/")
    if index_text.strip() == "auto":
        index_text = environ.get(INDEX_VARIABLE, "")
        if not index_text:
            raise SetupError(
                N_("--shard auto/COUNT needs ${variable}, and it is not set."),
                N_("Run it as a Kubernetes Indexed Job, or give the index: --shard 0/{count}."),
                variable=INDEX_VARIABLE,
                count=count_text or "N",
            )
    try:
        index, count = int(index_text), int(count_text)
    except ValueError:
        index = count = -1
    if not slash or count < 1 or not 0 <= index < count:
        raise SetupError(
            N_('"{shard}" is not a shard.'),
            N_("Write INDEX/COUNT with 0 <= INDEX < COUNT (0/3, 1/3, 2/3), or auto/COUNT."),
            shard=text,
        )
    return Shard(index, count)
