"""Every metric is one record in the registry, and every one is documented for the analysts."""

from pathlib import Path

import re

from metrics.registry import METRICS, counts_year_to_date

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text(encoding="utf-8")


def test_every_metric_is_documented_with_its_key_and_chinese_name():
    missing = [m.key for m in METRICS if f"`{m.key}`" not in DOCS or m.label_zh not in DOCS]
    assert missing == []


def test_every_metric_has_labels_in_both_languages():
    assert all(m.label_zh and m.label_en and m.label_zh != m.label_en for m in METRICS)


def test_only_the_payment_rate_counts_the_year_to_date():
    assert [m.key for m in METRICS if counts_year_to_date(m.key)] == ["payment_rate"]
    assert counts_year_to_date("no_such_metric") is False


def test_year_to_date_is_asked_of_the_registry_never_of_a_metric_key():
    """Issue 11: one flag, not ``metric == "payment_rate"`` written where the rule applies."""
    root = Path(__file__).resolve().parent.parent
    literal = re.compile(r"""metric\s*[!=]=\s*["']payment_rate["']""")
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("metrics", "present", "pages", "ui", "cli", "data")
        for path in sorted((root / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if literal.search(line)
    ]
    assert offenders == []
