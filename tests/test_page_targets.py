"""目标 Targets page: what the targets in force are, whom they reach, and what happens when the file breaks.

Driven through ``app.py`` with AppTest on a demo database and a targets file
of the test's own (``KUOMIAN_TARGETS``), so edits to the file can be made
between runs, as an officer would edit config/targets.yaml under a running
dashboard.
"""

from __future__ import annotations

from tests.auth import logged_in
import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from data.db import connect
from data.queries import regions as db_regions
from tests.world import TARGETS as WORLD_TARGETS

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")

# The global targets are the small worlds' (tests/world.py), written once; the overrides are this page's.
TARGETS = WORLD_TARGETS.lstrip("\n") + """\
overrides:
  "530302":                # 麒麟区
    coverage_rate:
      - {by: 2025-12, value: 0.95}
      - {by: 2035-12, value: 0.96}
  "530302001":             # 南宁街道, nearer: its own subtree is not 麒麟区's any more
    coverage_rate:
      - {by: 2035-12, value: 0.9725}
  "539999":                # not in the database
    employee_share:
      - {by: 2035-12, value: 0.55}
"""


@pytest.fixture(scope="module")
def demo_db(demo_copy):
    path = demo_copy("targets-page")
    return path


@pytest.fixture
def targets_file(demo_db, tmp_path, monkeypatch):
    path = tmp_path / "targets.yaml"
    write(path, TARGETS, stamp=1)
    monkeypatch.setenv("KUOMIAN_DB", str(demo_db))
    monkeypatch.setenv("KUOMIAN_TARGETS", str(path))
    return path


def write(path: Path, text: str, stamp: int) -> None:
    """Write the file and give it a distinct modification time, as a later save would."""
    path.write_text(text, encoding="utf-8")
    ns = 1_700_000_000_000_000_000 + stamp * 1_000_000_000
    os.utime(path, ns=(ns, ns))


def open_targets(language: str | None = None) -> AppTest:
    at = logged_in(AppTest.from_file(APP, default_timeout=60))
    if language:
        at.session_state["language"] = language
    at.run()
    at.switch_page("pages/targets.py").run()
    assert not at.exception
    return at


def milestone_tables(at: AppTest) -> list[list[tuple[str, str]]]:
    """The milestone tables, one per metric, as (month, value) pairs."""
    tables = [frame.value for frame in at.dataframe if frame.value.shape[1] == 2]
    return [list(zip(table.iloc[:, 0], table.iloc[:, 1])) for table in tables]


def test_each_metric_lists_its_milestones_schemes_and_a_titled_step_chart(targets_file):
    at = open_targets()
    assert at.title[0].value == "目标配置"
    assert milestone_tables(at) == [
        [("2020-12", "95%"), ("2025-12", "95%"), ("2035-12", "95%")],
        [("2025-12", "30%"), ("2035-12", "50%")],
        [("2026-07", "60%"), ("2026-08", "70%"), ("2026-11", "80%")],
    ]
    captions = [c.value for c in at.caption]
    assert captions.count("统计险种：全部险种") == 2
    assert any(c.startswith("统计险种：城乡居民") and "自然年" in c for c in captions)
    rules = " ".join(m.value for m in at.markdown)
    assert "低于进度线 2 个百分点以内为“略有滞后”，超过为“明显滞后”" in rules
    assert "2022-12" in rules
    titles = [json.loads(chart.proto.spec)["layout"]["title"]["text"] for chart in at.get("plotly_chart")]
    assert titles == [
        "各地区通用 · 参保率目标 · 2020—2035 年",
        "各地区通用 · 职工养老保险占比目标 · 2020—2035 年",
        "各地区通用 · 缴费率目标 · 2026 年",  # a year-to-date metric: the years of its milestones
    ]
    # where the file is and how to check it
    assert str(targets_file) in " ".join(m.value for m in at.markdown)
    assert any("kuomian targets check" in c for c in captions)


def test_overrides_name_the_region_its_milestones_and_how_many_regions_it_reaches(targets_file, demo_db):
    at = open_targets()
    table = [frame.value for frame in at.dataframe if "适用地区数" in frame.value.columns][0]
    rows = {code: row for code, row in zip(table["区划代码"], table.to_dict("records"))}
    assert list(rows) == ["530302", "530302001", "539999"]
    assert rows["530302"]["地区"] == "麒麟区" and rows["530302"]["指标"] == "参保率"
    assert rows["530302"]["目标节点"] == "2025-12 95%、2035-12 96%"
    assert rows["530302001"]["目标节点"] == "2035-12 97.25%"
    assert rows["530302"]["统计险种"] == "全部险种"

    with connect(demo_db) as con:
        regions = db_regions(con)
    qilin = regions["lineage"].map(lambda lineage: "530302" in tuple(lineage))
    nanning = regions["lineage"].map(lambda lineage: "530302001" in tuple(lineage))
    assert rows["530302001"]["适用地区数"] == nanning.sum() >= 1
    assert rows["530302"]["适用地区数"] == (qilin & ~nanning).sum()

    assert rows["539999"]["地区"] == "未知地区" and rows["539999"]["适用地区数"] == 0
    assert any("539999" in w.value for w in at.warning)


def test_editing_the_targets_file_takes_effect_without_restarting(targets_file):
    at = open_targets()
    assert not at.error
    assert milestone_tables(at)[1] == [("2025-12", "30%"), ("2035-12", "50%")]

    # an officer saves a broken file: every problem shown, the last valid targets stay in use
    broken = TARGETS.replace("value: 0.50}", "value: 1.5}").replace("by: 2026-08", "by: 2026-13")
    write(targets_file, broken, stamp=2)
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert f"{targets_file}:10: targets.employee_share[1].value:" in errors
    assert f"{targets_file}:15: targets.payment_rate.milestones[1].by:" in errors
    assert "2 处问题" in errors
    assert any("上一次有效的目标" in w.value for w in at.warning)
    assert at.code[0].value.rstrip() == broken.rstrip() and at.code[0].proto.show_line_numbers
    assert milestone_tables(at)[1] == [("2025-12", "30%"), ("2035-12", "50%")]  # still the old ones

    # fixed, with a new value: the page follows on the next run
    write(targets_file, TARGETS.replace("value: 0.50}", "value: 0.55}"), stamp=3)
    at.run()
    assert not at.exception and not at.error
    assert milestone_tables(at)[1] == [("2025-12", "30%"), ("2035-12", "55%")]


def test_a_broken_file_reads_in_chinese_by_default_and_in_english_when_switched(targets_file):
    """An officer who mistyped a percentage and a month sees what is wrong in Chinese, with the line and
    the place as written in the file (issue 9); switching to English shows the CLI's words."""
    broken = TARGETS.replace("value: 0.50}", "value: 1.5}").replace("by: 2026-08", "by: 2026-13")
    write(targets_file, broken, stamp=2)
    at = open_targets()
    errors = at.error[0].value.splitlines()
    assert errors[0] == "目标文件有 2 处问题："
    assert errors[2:] == [
        f"- `{targets_file}:10: targets.employee_share[1].value: 1.5 不是 (0, 1] 之间的小数，也不是“95%”这样的百分数`",
        f"- `{targets_file}:15: targets.payment_rate.milestones[1].by: 2026-13 不是 YYYY-MM 格式的月份（如 2025-12）`",
    ]

    at.session_state["language"] = "en"
    at.run()
    assert at.error[0].value.splitlines()[2:] == [
        f"- `{targets_file}:10: targets.employee_share[1].value: 1.5 is not a fraction in (0, 1]`",
        f"- `{targets_file}:15: targets.payment_rate.milestones[1].by: 2026-13 is not a month written YYYY-MM`",
    ]


def test_english_switch_changes_the_pages_words(targets_file):
    at = open_targets()
    at.session_state["language"] = "en"
    at.run()
    assert not at.exception
    assert at.title[0].value == "Targets in force"
    assert [s.value for s in at.subheader][:2] == ["How the status is judged", "Coverage rate"]
    rules = " ".join(m.value for m in at.markdown)
    assert "Up to 2 points below the trajectory is “Behind”" in rules
    table = [frame.value for frame in at.dataframe if "Regions reached" in frame.value.columns][0]
    assert table.loc[table["Code"] == "539999", "Region"].item() == "unknown region"


def test_metrics_stored_with_another_carry_are_noted(targets_file):
    from data import materialised
    from metrics.targets import parse_targets

    shipped = (ROOT / "config" / "targets.yaml").read_text(encoding="utf-8")
    with connect(os.environ["KUOMIAN_DB"]) as con:  # the demo's tables were built with the shipped file
        assert materialised.readable(con, parse_targets(shipped)) is not None
    write(targets_file, shipped, stamp=3)
    notes = [info.value for info in open_targets().info]
    assert not any("已存储的指标" in note for note in notes)

    assert "carry_forward_months: 2" in shipped
    write(targets_file, shipped.replace("carry_forward_months: 2", "carry_forward_months: 0"), stamp=4)
    notes = [info.value for info in open_targets().info]
    assert any("已存储的指标是按修改前的目标文件" in note and "kuomian targets apply" in note for note in notes)
