"""The sidebar's region picker as data (no streamlit), built once per database version (issue 15).

At national scale the region table has ~43,000 rows; turning it into dicts on every rerun of every
page cost 0.4-0.8 s. :func:`region_tree` builds the lookups once; ``ui/loaders.py`` caches it under
the database's version, and ``ui/selection.py`` only reads it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

# How many levels the picker goes down below the root: a province or a city root reaches two
# levels (city, county / county, township); a country (全国) root one more, so that a ministry
# can still reach a county (province, city, county).
PICKER_DEPTH = 2
COUNTRY_EXTRA_DEPTH = 1


@dataclass(frozen=True)
class RegionTree:
    """``names``/``levels``: code -> name / level; ``roots``: codes without a parent, by code;
    ``children``: code -> its children that are not villages, by code (the picker's options)."""

    names: dict[str, str]
    levels: dict[str, str]
    roots: tuple[str, ...]
    children: dict[str, tuple[str, ...]]

    def depth_below(self, root: str) -> int:
        """How many levels the picker offers under ``root``."""
        return PICKER_DEPTH + (COUNTRY_EXTRA_DEPTH if self.levels.get(root) == "country" else 0)


def region_tree(regions: pd.DataFrame) -> RegionTree:
    """The tree of ``regions`` (``code, name, level, parent_code``, as ``data.queries.regions``)."""
    codes = regions["code"].astype(str).to_numpy()
    parents = regions["parent_code"]
    names = dict(zip(codes, regions["name"].astype(str)))
    levels = dict(zip(codes, regions["level"].astype(str)))
    roots = tuple(sorted(code for code, parent in zip(codes, parents) if parent is None or pd.isna(parent)))
    kids = regions[parents.notna() & (regions["level"] != "village")][["parent_code", "code"]].astype(str)
    children = {parent: tuple(sorted(group)) for parent, group in kids.groupby("parent_code", sort=False)["code"]}
    return RegionTree(names=names, levels=levels, roots=roots, children=children)
