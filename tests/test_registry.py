"""Every metric is one record in the registry, and every one is documented for the analysts."""

from pathlib import Path

from metrics.registry import METRICS

DOCS = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text(encoding="utf-8")


def test_every_metric_is_documented_with_its_key_and_chinese_name():
    missing = [m.key for m in METRICS if f"`{m.key}`" not in DOCS or m.label_zh not in DOCS]
    assert missing == []


def test_every_metric_has_labels_in_both_languages():
    assert all(m.label_zh and m.label_en and m.label_zh != m.label_en for m in METRICS)
