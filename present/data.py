"""What the Data page shows, as data (no streamlit): the view builder of ``pages/data.py``.

The page has four tasks (upload, templates, import history with rollback, data
quality); everything they compute or format lives here, in one language passed
in, so the page only lays it out and these tables are tested without AppTest
(issue 11 point 1: pages are layout). Frames in, display frames (headers in the
page's language) out; nothing here changes a number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from data.importer import KINDS, Problem, field_zh
from data.readers import MAX_FILE_BYTES
from metrics.periods import period_label
from present.catalog import level_label, text
from present.charts import file_stem
from present.charts_data import completeness_figure
from present.formatting import format_month, format_rate

UPLOAD_TYPES: tuple[str, ...] = ("csv", "xlsx", "xlsm", "xls", "ods")  # what the readers open (data/readers.py)
PREVIEW_ROWS = 20  # rows of an upload shown before it is committed
RECENT_SHORT_MONTHS = 12  # the incomplete months named in the caption under the completeness chart


def kind_label(kind: str, language: str) -> str:
    """The kind of file (``snapshots``, ``regions``, ...) as the page names it."""
    return text(f"data.kind.{kind}", language)


def upload_note(language: str) -> str:
    """The caption above the file uploader: the formats it takes and the size limit (``MAX_FILE_BYTES``, in MB),
    in the page's language, since Streamlit's own uploader texts are English only (issue 11 point 4)."""
    formats = "、".join(ext.upper() for ext in UPLOAD_TYPES) if language == "zh" else ", ".join(ext.upper() for ext in UPLOAD_TYPES)
    return text("edges.upload_note", language, formats=formats, limit=f"{MAX_FILE_BYTES // (1024 * 1024)} MB")


def field_label(field: str, language: str) -> str:
    """A problem's field as the reader's headers name it: ``region_code`` -> 区划代码 (zh), unchanged (en).

    A field of several parts (``year+month``) keeps its ``+``.
    """
    if language != "zh":
        return field
    chinese = {part: text(f"data.field.{part}", language) for part in ("row", "header", "file", "sheet")}
    return "+".join(chinese.get(part) or field_zh(part) for part in field.split("+"))


def problem_table(problems: Sequence[Problem], language: str) -> pd.DataFrame:
    """Every problem (or warning), one row each: row number, field, reason in ``language``."""
    return pd.DataFrame(
        {
            text("data.col.row", language): [p.row for p in problems],
            text("data.col.field", language): [field_label(p.field, language) for p in problems],
            text("data.col.reason", language): [p.text(language) for p in problems],
        }
    )


def problem_lines(problems: Sequence[Problem], source: str, language: str) -> str:
    """The problems as ``FILE:ROW: field: reason`` lines, one per problem, to copy or download."""
    return "\n".join(p.render(source, language) for p in problems)


def format_time(moment) -> str:
    """A timestamp to the minute (``2026-11-03 09:15``); ``—`` for none."""
    return "—" if moment is None or pd.isna(moment) else pd.Timestamp(moment).strftime("%Y-%m-%d %H:%M")


def file_rows(kind: str, table: pd.DataFrame, language: str) -> pd.DataFrame:
    """The first :data:`PREVIEW_ROWS` rows of an upload as read (``_row`` first), under the reader's headers
    (Chinese headers in zh, the canonical column names in en)."""
    columns = KINDS[kind].columns
    chinese = {canonical: zh for zh, canonical in KINDS[kind].chinese.items()}
    names = {"_row": text("data.col.row", language), **{c: chinese[c] if language == "zh" else c for c in columns}}
    return table.head(PREVIEW_ROWS)[["_row", *columns]].rename(columns=names)


def import_summary(result) -> dict:
    """What the page keeps of a committed import (``data.store.ImportResult``) to say once it reloads."""
    return {
        "import_id": result.import_id,
        "source": result.source,
        "kind": result.kind,
        "added": result.added,
        "replaced": result.replaced,
        "warnings": len(result.warnings),
        "months": result.months,
        # A reporter's upload held for approval (data.pending.HeldResult): nothing imported yet.
        **({"held": {"number": result.submission_id, "rows": result.row_count, "periods": list(result.periods),
                     "reviewer": result.reviewer_name}} if getattr(result, "submission_id", None) else {}),
    }


def held_sentence(summary: dict, language: str) -> str:
    """What a reporter is told after a held upload (:func:`import_summary` with ``held``): submitted, its number,
    rows and months, and who must approve it before the figures count (brief pend5, issue 12 point 3)."""
    held = summary["held"]
    who = (
        text("pending.who_county", language, county=held["reviewer"]) if held["reviewer"] else text("pending.who_office", language)
    )
    months = "、".join(period_label(p) for p in held["periods"]) if language == "zh" else ", ".join(period_label(p) for p in held["periods"])
    return text(
        "pending.submitted", language, number=held["number"], kind=kind_label(summary["kind"], language), source=summary["source"],
        rows=held["rows"], months=months, who=who,
    )  # fmt: skip


# --------------------------------------------------------------------------- history and rollback


def _source(source: str, undoes, language: str) -> str:
    """A rollback's own history row names the import it undid instead of a file."""
    return source if pd.isna(undoes) else text("data.rollback_source", language, import_id=int(undoes))


def history_table(imports: pd.DataFrame, language: str) -> pd.DataFrame:
    """The import history (``data.store.history``, newest first) with headers and words in ``language``."""
    yes, no = text("data.yes", language), text("data.no", language)
    return pd.DataFrame(
        {
            text("data.col.import_id", language): imports["import_id"],
            text("data.col.kind", language): imports["kind"].map(lambda k: kind_label(k, language)),
            text("data.col.source", language): [_source(s, u, language) for s, u in zip(imports["source"], imports["undoes"])],
            text("data.col.imported_at", language): imports["imported_at"].map(format_time),
            text("data.col.row_count", language): imports["row_count"],
            text("data.col.added", language): imports["added"],
            text("data.col.replaced", language): imports["replaced"],
            text("data.col.demo", language): imports["is_demo"].map({True: yes, False: no}),
            text("data.col.rolled_back_at", language): imports["rolled_back_at"].map(format_time),
        }
    )


def active_imports(imports: pd.DataFrame) -> pd.DataFrame:
    """The imports not yet rolled back: the ones a rollback can choose."""
    return imports[imports["rolled_back_at"].isna()]


def rollback_options(active: pd.DataFrame, language: str) -> dict[int, str]:
    """``import_id -> label`` for the rollback choice, newest first as ``active`` is."""
    return {
        int(r.import_id): text(
            "data.rollback_option",
            language,
            import_id=int(r.import_id),
            kind=kind_label(r.kind, language),
            source=_source(r.source, r.undoes, language),
            rows=int(r.row_count),
        )
        for r in active.itertuples()
    }


def rollback_summary(active: pd.DataFrame, import_id: int) -> dict:
    """What the page says after rolling ``import_id`` back: rows removed, rows restored (persons rows)."""
    record = active.set_index("import_id").loc[import_id]
    return {"import_id": import_id, "source": record["source"], "removed": int(record["row_count"]), "restored": int(record["replaced"])}


# --------------------------------------------------------------------------- data quality


@dataclass(frozen=True)
class Completeness:
    """The completeness chart and its caption; ``figure`` None when the region has no population."""

    figure: go.Figure | None
    file_stem: str
    caption: str


def completeness_view(completeness: pd.DataFrame, short: Sequence[int], region_name: str, period: int, language: str) -> Completeness:
    """The completeness chart of ``region_name`` up to ``period`` (a month index) and the caption naming the
    last :data:`RECENT_SHORT_MONTHS` incomplete months (``short``, month indexes). ``completeness``:
    ``period, completeness`` (fractions), from ``metrics.quality.completeness_by_period``."""
    word = text("word.completeness", language)
    stem = file_stem(region_name, word, format_month(period))
    if completeness.empty:
        return Completeness(None, stem, text("data.no_population", language))
    figure = completeness_figure(
        completeness,
        title=text("data.completeness_chart_title", language, region=region_name, period=format_month(period)),
        value_name=word,
        full_name=text("data.full_reporting", language),
        selected=period,
    )
    months = "、".join(format_month(m) for m in list(short)[-RECENT_SHORT_MONTHS:])
    caption = text("data.incomplete_months", language, count=len(short), months=months) if short else text("data.all_months_complete", language)
    return Completeness(figure, stem, caption)


def missing_table(missing: pd.DataFrame, language: str) -> pd.DataFrame:
    """The regions that did not report (``data.quality.missing_reports``), with their last reported month."""
    return pd.DataFrame(
        {
            text("word.region_code", language): missing["code"],
            text("word.region", language): missing["name"],
            text("word.level", language): missing["level"].map(lambda v: level_label(v, language)),
            text("data.col.parent", language): missing["parent_name"],
            text("data.col.last_reported", language): missing["last_period"].map(format_month),
        }
    )


def _scheme(scheme: str, language: str) -> str:
    return text(f"scheme.{scheme}", language)


def overpaid_table(found: pd.DataFrame, language: str) -> pd.DataFrame:
    """Rows whose payers exceed those in the contribution phase (``data.quality.overpaid``), persons."""
    return pd.DataFrame(
        {
            text("word.region_code", language): found["code"],
            text("word.region", language): found["name"],
            text("data.col.scheme", language): found["scheme"].map(lambda s: _scheme(s, language)),
            text("data.col.insured", language): found["insured"],
            text("data.col.receiving", language): found["receiving"],
            text("data.col.contribution_phase", language): found["contribution_phase"],
            text("data.col.paid", language): found["paid"],
            text("data.col.excess", language): found["excess"],
        }
    )


def over_required_table(found: pd.DataFrame, language: str) -> pd.DataFrame:
    """Regions insuring more than should be insured (``data.quality.over_required``); the ratio as a percentage."""
    return pd.DataFrame(
        {
            text("word.region_code", language): found["code"],
            text("word.region", language): found["name"],
            text("data.col.insured_total", language): found["insured"],
            text("data.col.required", language): found["required"],
            text("data.col.population_period", language): found["population_period"].map(format_month),
            text("data.col.excess", language): found["excess"],
            text("data.col.ratio", language): found["ratio"].map(lambda v: format_rate(v, 1.0)),
        }
    )


def double_table(found: pd.DataFrame, language: str) -> pd.DataFrame:
    """Upper regions reported beside their lower ones (``data.quality.double_counted``), persons."""
    return pd.DataFrame(
        {
            text("data.col.upper_code", language): found["upper_code"],
            text("data.col.upper_name", language): found["upper_name"],
            text("data.col.scheme", language): found["scheme"].map(lambda s: _scheme(s, language)),
            text("data.col.upper_insured", language): found["upper_insured"],
            text("data.col.lower_count", language): found["lower_count"],
            text("data.col.lower_insured", language): found["lower_insured"],
            text("data.col.lower_names", language): found["lower_names"],
        }
    )
