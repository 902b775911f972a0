"""Shown numbers never contradict their colour."""

import pytest

from present.formatting import format_persons, format_points, format_rank_change, format_rate


@pytest.mark.parametrize(
    ("value", "target", "shown"),
    [
        (0.953, 0.95, "95.3%"),
        (0.9496, 0.95, "94.96%"),  # one decimal would read 95.0% beside a red light
        (0.94996, 0.95, "94.996%"),
        (0.95, 0.95, "95.0%"),
        (0.3, None, "30.0%"),
        (None, 0.95, "—"),
        (float("nan"), 0.95, "—"),
    ],
)
def test_a_rate_shows_the_digits_that_keep_it_on_its_side_of_the_target(value, target, shown):
    assert format_rate(value, target) == shown


def test_points_are_signed_and_persons_have_thousands_separators():
    assert format_points(0.0123) == "+1.23"
    assert format_points(-0.005) == "-0.50"
    assert format_persons(391557) == "391,557"


@pytest.mark.parametrize(("change", "shown"), [(3, "▲3"), (-2, "▼2"), (0, "–"), (None, "—")])
def test_rank_change_reads_as_an_arrow_and_a_size(change, shown):
    assert format_rank_change(change) == shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (1.915, "191.5% ⚠"),  # a 合计 row counted twice: coverage above 100%
        (1.0, "100.0%"),  # exactly everyone: plausible
        (1.0 + 1e-12, "100.0%"),  # float noise is not a mark
    ],
)
def test_a_rate_above_100_percent_carries_the_implausible_mark(value, shown):
    assert format_rate(value) == shown
