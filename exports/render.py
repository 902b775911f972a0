"""Figures as files, rendered on the server: PNG, PDF (kaleido on the system Chromium) and PPTX decks.

Kaleido 1.x drives a headless Chromium. Starting one costs about two
seconds, so the first render starts a kept-open server
(``kaleido.start_sync_server(mathjax=False)``; MathJax off, or kaleido
reaches for a CDN) and every later image takes a fraction of a second. The
browser is the system's (``BROWSER_PATH``, else ``chromium`` on the PATH):
nothing is ever downloaded. Calls are serialised with a lock (the server
renders one figure at a time) and run under a watchdog, so a browser that
dies never hangs the dashboard.

Errors a person can act on are :class:`RendererMissing` (no browser: install
one) and :class:`RenderFailed` (it did not answer); both carry a plain message.
"""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go

WIDTH, HEIGHT = 1920, 1080  # 16:9, full HD
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
RENDER_TIMEOUT_SECONDS = 120.0
PPTX_WIDTH_EMU, PPTX_HEIGHT_EMU = 12_192_000, 6_858_000  # 13.333 in × 7.5 in: PowerPoint's 16:9

_lock = threading.Lock()


class RendererMissing(RuntimeError):
    """No Chromium to render with."""


class RenderFailed(RuntimeError):
    """The renderer did not produce the file."""


def browser_path() -> str | None:
    """The browser kaleido will use: ``BROWSER_PATH`` if it names an executable, else the first one on the PATH."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def available() -> bool:
    return browser_path() is not None


def _missing_message() -> str:
    configured = os.environ.get("BROWSER_PATH")
    if configured:
        return f"BROWSER_PATH={configured} is not an executable browser; install chromium or correct BROWSER_PATH"
    return "no Chromium found on this machine (looked for " + ", ".join(BROWSER_NAMES) + "); install it with `apt-get install chromium` or `scripts/setup --with-browser`"


def _server():
    import kaleido
    from kaleido._sync_server import GlobalKaleidoServer

    return kaleido, GlobalKaleidoServer()


def _ensure_server() -> None:
    """Start the kept-open kaleido server on the system browser (once); restart it if its thread died."""
    path = browser_path()
    if path is None:
        raise RendererMissing(_missing_message())
    os.environ.setdefault("BROWSER_PATH", path)  # kaleido (choreographer) reads it: never a download
    kaleido, server = _server()
    thread = getattr(server, "_thread", None)
    if server.is_running() and thread is not None and not thread.is_alive():
        server._initialized = False  # noqa: SLF001 - the browser died; the singleton cannot close a dead thread
    if not server.is_running():
        kaleido.start_sync_server(mathjax=False, timeout=RENDER_TIMEOUT_SECONDS, silence_warnings=True)


def _watched(work: Callable[[], bytes], timeout: float) -> bytes:
    """Run ``work`` on a helper thread; give up after ``timeout`` seconds instead of hanging."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = work()
        except BaseException as error:  # noqa: BLE001 - handed to the caller
            box["error"] = error

    helper = threading.Thread(target=run, name="kuomian-render", daemon=True)
    helper.start()
    helper.join(timeout)
    if helper.is_alive():
        _, server = _server()
        server._initialized = False  # noqa: SLF001 - abandon the stuck server; the next call starts a new one
        raise RenderFailed(f"the renderer did not answer within {timeout:.0f} s")
    if "error" in box:
        error = box["error"]
        if isinstance(error, (RendererMissing, RenderFailed)):
            raise error
        raise RenderFailed(f"{type(error).__name__}: {error}") from error  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def render(fig: go.Figure, fmt: str = "png", *, width: int = WIDTH, height: int = HEIGHT, scale: float = 1) -> bytes:
    """``fig`` as ``png`` or ``pdf`` bytes, ``width``×``height`` layout pixels (a PNG has ``scale`` times as many)."""
    if fmt not in ("png", "pdf", "svg"):
        raise ValueError(f"cannot render {fmt!r}; expected png, pdf or svg")
    spec = fig.to_dict()
    opts = {"format": fmt, "width": int(width), "height": int(height), "scale": scale}
    with _lock:
        _ensure_server()
        kaleido, _ = _server()
        return _watched(lambda: kaleido.calc_fig_sync(spec, opts=opts), RENDER_TIMEOUT_SECONDS + 10)


def png(fig: go.Figure, *, width: int = WIDTH, height: int = HEIGHT, scale: float = 1) -> bytes:
    return render(fig, "png", width=width, height=height, scale=scale)


def pdf(fig: go.Figure, *, width: int = WIDTH, height: int = HEIGHT) -> bytes:
    return render(fig, "pdf", width=width, height=height)


@dataclass(frozen=True)
class Slide:
    title: str  # the slide's title (outline, slide sorter, screen readers)
    figure: go.Figure
    picture: bytes | None = None  # the figure already rendered (1920×1080 PNG), if at hand


def deck(
    slides: Sequence[Slide],
    *,
    title: str = "",
    scale: float = 1,
    progress: Callable[[int, int, str], None] | None = None,
) -> bytes:
    """A 16:9 PowerPoint deck: one slide per figure, the figure as a full-slide PNG, the slide titled.

    The title sits in the slide's title placeholder (so outline view and the
    slide sorter read it) behind the picture, which carries the same title
    drawn in. ``progress(done, total, title)`` is called after each slide.
    """
    from pptx import Presentation
    from pptx.util import Emu, Pt

    presentation = Presentation()
    presentation.slide_width = Emu(PPTX_WIDTH_EMU)
    presentation.slide_height = Emu(PPTX_HEIGHT_EMU)
    presentation.core_properties.title = title or (slides[0].title if slides else "")
    presentation.core_properties.author = "kuomian"
    layout = presentation.slide_layouts[5]  # "Title Only"
    for number, slide in enumerate(slides, start=1):
        picture = slide.picture if slide.picture is not None and scale == 1 else png(slide.figure, scale=scale)
        page = presentation.slides.add_slide(layout)
        heading = page.shapes.title
        heading.text = slide.title
        heading.left, heading.top, heading.width, heading.height = Emu(457_200), Emu(228_600), Emu(PPTX_WIDTH_EMU - 914_400), Emu(685_800)
        for paragraph in heading.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.size = Pt(28)
                run.font.name = "Noto Sans CJK SC"
        page.shapes.add_picture(io.BytesIO(picture), 0, 0, width=Emu(PPTX_WIDTH_EMU), height=Emu(PPTX_HEIGHT_EMU))
        if progress is not None:
            progress(number, len(slides), slide.title)
    buffer = io.BytesIO()
    presentation.save(buffer)
    return buffer.getvalue()


_warming: threading.Thread | None = None


def warm_up() -> None:
    """Start the kept-open server in the background, so the first real image does not pay the browser's start.

    Returns at once; does nothing where no browser is installed or the server
    already runs. A failure here is silent: the real render reports it.
    """
    global _warming
    if not available() or (_warming is not None and _warming.is_alive()):
        return
    _, server = _server()
    if server.is_running():
        return

    def run() -> None:
        try:
            png(go.Figure(layout={"width": 64, "height": 36}), width=64, height=36)
        except Exception:  # noqa: BLE001 - reported by the next real render
            pass

    _warming = threading.Thread(target=run, name="kuomian-render-warm-up", daemon=True)
    _warming.start()


def timed(work: Callable[[], bytes]) -> tuple[bytes, float]:
    """``work()`` and how long it took, in seconds."""
    start = time.perf_counter()
    data = work()
    return data, time.perf_counter() - start


def stop() -> None:
    """Close the kept-open server (tests; the process's exit closes it too)."""
    with _lock:
        kaleido, server = _server()
        if server.is_running():
            thread = getattr(server, "_thread", None)
            if thread is not None and thread.is_alive():
                kaleido.stop_sync_server(silence_warnings=True)
            else:
                server._initialized = False  # noqa: SLF001
