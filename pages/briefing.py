"""简报 Briefing: the vice-mayor's one-page 16:9 briefing, previewed here and downloaded as PNG, PDF or slides.

The page itself is a preview: the briefing is one plotly Figure
(``exports.briefing``), drawn here scaled down and rendered on the server at
1920×1080 (or 2×) for the files the vice-mayor actually sees. Rendering takes
a few seconds, so it happens when asked for, with its progress shown.
"""

from __future__ import annotations

import hashlib
import time

import streamlit as st

from exports import render
from exports.briefing import briefing_figure
from exports.deck import briefing_deck, slide_titles
from present.texts import Texts
from metrics.briefing import gather
from ui import loaders
from ui.bulletin_button import bulletin_button
from present.charts import chart_config, file_stem
from present.formatting import format_month
from ui.i18n import language, metric_label, t
from ui.selection import current

PREVIEW_SCALE = 0.625  # 1200×675 on the page; fonts and lines shrink alike
FILES_KEY = "briefing_files"
MIME = {
    "png": "image/png",
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}

selection = current()
targets, period, metric = selection.targets, selection.period, selection.metric
tx = Texts(language())

st.title(t("briefing.page_title", region=selection.region_name))
st.caption(t("briefing.intro"))

briefing = gather(
    targets=targets,
    regions=loaders.regions(),
    periods=selection.periods,
    code=selection.region,
    period=period,
    metric=metric,
    report=lambda month, codes: loaders.report(targets, month, codes),
    series=lambda codes, months: loaders.series(targets, codes, months),
)
from dataclasses import replace as _replace  # noqa: E402

from data.checks import today as _today  # noqa: E402
from present.ledger import overdue_pairs  # noqa: E402
from ui.loaders_assess import tasks as _ledger_tasks  # noqa: E402

briefing = _replace(briefing, overdue_tasks=overdue_pairs(_ledger_tasks(), _today()))  # the ledger's overdue tasks (issue 14)
stem = file_stem(selection.region_name, t("briefing.file_kind"), metric_label(metric), format_month(period))

preview = briefing_figure(briefing, tx, scale=PREVIEW_SCALE)
config = chart_config(stem)
config["toImageButtonOptions"].update(
    width=round(render.WIDTH * PREVIEW_SCALE), height=round(render.HEIGHT * PREVIEW_SCALE), scale=1 / PREVIEW_SCALE
)
st.plotly_chart(preview, config=config, key="briefing_preview", width="content")
st.caption(t("briefing.preview_caption"))

# ---- the files, rendered on the server when asked for
st.subheader(t("briefing.downloads"))
wanted = hashlib.sha1(
    repr((selection.region, period, metric, language(), loaders.db_version(), loaders.targets_key(targets))).encode()
).hexdigest()


def prepare() -> dict | None:
    """Render the four files, showing each step; None (and a message) where the renderer fails."""
    files: dict[str, bytes] = {}
    started = time.perf_counter()
    figure = briefing_figure(briefing, tx)
    with st.status(t("briefing.preparing"), expanded=True) as status:
        try:
            for name, label, work in (
                ("png", t("briefing.download_png"), lambda: render.png(figure)),
                ("png2", t("briefing.download_png2"), lambda: render.png(figure, scale=2)),
                ("pdf", t("briefing.download_pdf"), lambda: render.pdf(figure, title=tx.t("briefing.title", region=briefing.region_name))),
            ):
                files[name], seconds = render.timed(work)
                status.write(t("briefing.step", what=label, seconds=f"{seconds:.1f}"))
            deck = slide_titles(briefing, tx)
            files["pptx"], seconds = render.timed(lambda: briefing_deck(briefing, tx))  # native slides: nothing rendered
            status.write(t("briefing.step", what=t("briefing.download_pptx", count=len(deck)), seconds=f"{seconds:.1f}"))
        except render.RendererMissing:
            status.update(state="error", expanded=False)
            st.warning(t("briefing.no_renderer"), icon=":material/warning:")
            return None
        except render.RenderFailed as error:
            status.update(state="error", expanded=False)
            st.error(t("briefing.render_failed", reason=str(error)), icon=":material/error:")
            return None
        status.update(label=t("briefing.prepared", seconds=f"{time.perf_counter() - started:.1f}"), state="complete", expanded=False)
    return {"key": wanted, "files": files, "slides": len(deck)}


if not render.available():
    st.warning(t("briefing.no_renderer"), icon=":material/warning:")
else:
    render.warm_up()  # the browser starts while the preview is read; the first file then takes a fraction of a second
    prepared = st.session_state.get(FILES_KEY)
    if prepared is None or prepared.get("key") != wanted:
        prepared = None
        slot = st.empty()
        if slot.button(t("briefing.prepare"), icon=":material/download:", type="primary", help=t("briefing.prepare_help"), key="briefing_prepare"):
            slot.empty()
            prepared = prepare()
            if prepared is not None:
                st.session_state[FILES_KEY] = prepared
    if prepared is not None:
        files = prepared["files"]
        columns = st.columns(4)
        buttons = (
            ("png", t("briefing.download_png"), f"{stem}.png", MIME["png"], ":material/image:"),
            ("png2", t("briefing.download_png2"), f"{stem}_2x.png", MIME["png"], ":material/high_quality:"),
            ("pdf", t("briefing.download_pdf"), f"{stem}.pdf", MIME["pdf"], ":material/picture_as_pdf:"),
            ("pptx", t("briefing.download_pptx", count=prepared["slides"]), f"{stem}.pptx", MIME["pptx"], ":material/slideshow:"),
        )
        for column, (name, label, file_name, mime, icon) in zip(columns, buttons):
            with column:
                st.download_button(
                    label, data=files[name], file_name=file_name, mime=mime, icon=icon,
                    on_click="ignore", key=f"briefing_download_{name}", width="stretch",
                )
        st.caption(t("briefing.deck_note", unit=tx.unit(briefing.league_level)))

# ---- the quarterly bulletin of the same region
st.subheader(t("briefing.bulletin_header"))
bulletin_button(selection)
