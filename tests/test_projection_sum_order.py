"""The projection's fitted line does not depend on which other regions are listed (issue 15, adversary).

``ndarray.sum(axis=1)`` adds in an order that depends on the memory layout and the row count, so before
``compute._month_sum`` one region listed alone (``--root 530302 --level county``) was projected a few
ulps away from the same region listed among others and from the materialised tables.
"""

from __future__ import annotations

import numpy as np

from config.settings import PROJECT_ROOT
from data import materialised
from data.db import connect
from metrics import compute
from metrics.periods import month_index
from metrics.targets import parse_targets
from tests.world import both_paths


def test_a_region_fitted_alone_gets_the_same_line_as_among_others():
    rng = np.random.default_rng(7)
    months = np.arange(24301, 24309, dtype="int64")  # 8 months: pairwise and sequential sums part
    block = np.asfortranarray(rng.random((9, 8)))  # the grids' layout (region × month, column-major)
    _, slope_all, at_all = compute.fit_line(months, block, 24308)
    for row in range(9):
        _, slope, at = compute.fit_line(months, block[row : row + 1], 24308)
        assert slope[0] == slope_all[row]
        assert at[0] == at_all[row]


def test_a_county_listed_alone_is_projected_as_the_tables_project_it(demo_copy):
    targets = parse_targets((PROJECT_ROOT / "config" / "targets.yaml").read_text(encoding="utf-8"))
    with connect(demo_copy("alone")) as con:
        assert materialised.is_fresh(con, targets)
        report = both_paths(con, targets, month_index("2026-08"), level="county", root="530302")
    assert list(report["region_code"].unique()) == ["530302"]
