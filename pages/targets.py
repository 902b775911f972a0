"""目标 Targets: which targets are in force, how the status is judged, and whom the overrides reach."""

from __future__ import annotations

import streamlit as st

from metrics.periods import period_label
from metrics.registry import METRIC_BY_KEY, METRIC_KEYS
from metrics.targets_view import chart_years, milestone_rows, override_rows, target_steps
from ui import loaders
from present.charts import chart_config, file_stem
from present.charts_targets import milestone_steps_figure
from present.formatting import format_month
from ui.i18n import language, metric_label, t

state = loaders.targets_state()
targets = state.targets

st.title(t("targets.title"))
st.markdown(t("targets.file", path=state.path))
st.caption(t("targets.check_hint"))

# ---- a broken file: every problem, the promise that the last valid targets stay, the text
if state.problems:
    lines = "\n".join(f"- `{problem.render(state.path, language())}`" for problem in state.problems)
    st.error(f"{t('targets.problems', count=len(state.problems))}\n\n{lines}", icon=":material/error:")
    if targets is not None:
        st.warning(t("targets.kept"), icon=":material/history:")
    else:
        st.warning(t("targets.none_valid"), icon=":material/block:")
    with st.expander(t("targets.file_text"), expanded=True, icon=":material/description:"):
        st.code(state.text, language="yaml", line_numbers=True, height=420)
    if targets is None:
        st.stop()


def schemes_text(schemes: tuple[str, ...] | None) -> str:
    return t("targets.all_schemes") if not schemes else t("targets.list_sep").join(t(f"scheme.{s}") for s in schemes)


def exact_percent(value: float) -> str:
    """A milestone as written in the file: 0.95 -> 95%, 0.9625 -> 96.25%."""
    return f"{round(value * 100, 2):g}%"


def milestones_text(entry) -> str:
    return t("targets.list_sep").join(f"{period_label(m.by)} {exact_percent(m.value)}" for m in entry.milestones)


# ---- stored metrics built with another file's carry, baseline or schemes (issue 15): same figures, slower
if loaders.stored_for_other_targets(targets):
    st.info(t("targets.stored_other"), icon=":material/update:")

# ---- how the status is judged
st.subheader(t("targets.rules_header"))
band_points = f"{targets.warning_band * 100:g}"
st.markdown(
    "\n".join(
        [
            f"- {t('targets.target_rule')}",
            f"- {t('targets.baseline_rule', baseline=format_month(targets.baseline))}",
            f"- {t('targets.band_rule', band=band_points)}",
        ]
    )
)

# ---- one section per metric: milestones, schemes, the step line 2020–2035
for metric in METRIC_KEYS:
    name = metric_label(metric)
    entry = targets.metrics.get(metric)
    st.subheader(name)
    if entry is None:
        st.caption(t("targets.no_target"))
        continue
    notes = [t("targets.schemes", schemes=schemes_text(entry.schemes))]
    if METRIC_BY_KEY[metric].year_to_date:
        notes.append(t("targets.payment_rule"))
    st.caption(" · ".join(notes))
    table_column, chart_column = st.columns([1, 2])
    milestones = milestone_rows(entry)
    with table_column:
        st.dataframe(
            {
                t("word.target_by"): [format_month(m) for m in milestones["by"]],
                t("word.target"): [exact_percent(v) for v in milestones["value"]],
            },
            hide_index=True,
            width="stretch",
            placeholder="—",  # not "None": Streamlit's own word for a missing value
        )
    with chart_column:
        scope = t("targets.scope_all")
        first_year, last_year = chart_years(metric, entry)
        figure = milestone_steps_figure(
            target_steps(metric, entry, first_year, last_year),
            milestones,
            title=t(
                "targets.steps_title" if first_year != last_year else "targets.steps_title_year",
                scope=scope, metric=name, first=first_year, last=last_year,
            ),
            target_name=t("word.target"),
            milestone_name=t("word.milestone"),
            with_months=not METRIC_BY_KEY[metric].year_to_date,
        )
        st.plotly_chart(
            figure,
            config=chart_config(file_stem(scope, name, "targets", f"{first_year}-{last_year}")),
            key=f"targets_steps_{metric}",
        )

# ---- overrides: who replaces which milestones, and how many regions that reaches
st.subheader(t("targets.overrides_header"))
if not targets.overrides:
    st.caption(t("targets.no_overrides"))
else:
    st.caption(t("targets.overrides_intro"))
    rows = override_rows(loaders.regions(), targets)
    unknown = rows.loc[~rows["known"], "code"].unique().tolist()
    if unknown:
        st.warning(t("targets.unknown_warning", codes=t("targets.list_sep").join(unknown)), icon=":material/warning:")
    st.dataframe(
        {
            t("word.region_code"): rows["code"].tolist(),
            t("word.region"): [
                name if known else t("targets.unknown_region")
                for name, known in zip(rows["name"], rows["known"])
            ],
            t("targets.metric"): [metric_label(m) for m in rows["metric"]],
            t("targets.milestones"): [milestones_text(e) for e in rows["entry"]],
            t("targets.schemes_col"): [schemes_text(e.schemes) for e in rows["entry"]],
            t("targets.reached"): rows["reached"].tolist(),
        },
        hide_index=True,
        width="stretch",
        placeholder="—",  # not "None": Streamlit's own word for a missing value
        column_config={t("targets.reached"): st.column_config.NumberColumn(help=t("targets.reached_help"))},
    )
