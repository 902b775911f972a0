"""Figures as files, rendered on the server: PNG, SVG and PDF through one warm Chromium per process.

Kaleido 1.x drives a headless Chromium. Starting one costs about two
seconds, so the first render starts ONE kept-open browser for the process
(:class:`_Renderer`: an asyncio loop on a daemon thread owning a
``kaleido.Kaleido`` with MathJax off, or kaleido reaches for a CDN) and
every later image takes a fraction of a second. The browser is the
system's (``BROWSER_PATH``, else ``chromium`` on the PATH): nothing is ever
downloaded. Calls are serialised with a lock and wait at most
``RENDER_TIMEOUT_SECONDS``, so a browser that dies never hangs the caller.

The PDF is not kaleido's: kaleido prints an ``<img>`` of the SVG, whose text
Chromium embeds as Type 3 glyphs mapped to the wrong characters (issue 11:
``pdftotext`` read ".%" for "95.1%" and the Kangxi radical ⽼ for 老) under
the title "Kaleido-fier". :func:`pdf` takes the figure's SVG, puts it inline
in a page of our own whose ``<title>`` is the document's title, and prints
that page: the text layer is the text, and the title is the briefing's.

Leaving is quiet (issue 11: one CLI run in four printed ``Directory not
empty: 'Default'``). Chromium's children may still write into the profile
while the library removes it, and the library's clean-up then warns or
raises at interpreter exit. :func:`stop` (registered with ``atexit``) closes
the browser, waits for it, and removes the temporary folders itself,
ignoring what a late child leaves, and the library's own clean-ups are
switched off.

Errors a person can act on are :class:`RendererMissing` (no browser: install
one) and :class:`RenderFailed` (it did not answer); both carry a plain message.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import html
import logging
import os
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import plotly.graph_objects as go

WIDTH, HEIGHT = 1920, 1080  # 16:9, full HD
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
RENDER_TIMEOUT_SECONDS = 120.0
START_TIMEOUT_SECONDS = 60.0
CLOSE_TIMEOUT_SECONDS = 10.0
CSS_PX_PER_INCH = 96  # printToPDF sizes paper in inches; the page is laid out in CSS pixels

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
    return "no Chromium found on this machine (looked for " + ", ".join(BROWSER_NAMES) + "); install it with `apt-get install chromium` or `scripts/setup`"


def _quiet_libraries() -> None:
    """Keep kaleido's and choreographer's log lines and warnings off the user's terminal (errors still raise)."""
    for name in ("kaleido", "choreographer", "logistro"):
        logging.getLogger(name).setLevel(logging.CRITICAL + 1)
    warnings.filterwarnings("ignore", module=r"(kaleido|choreographer)(\.|$)")
    try:
        from choreographer.utils._tmpfile import TmpDirWarning

        warnings.filterwarnings("ignore", category=TmpDirWarning)
    except ImportError:  # another choreographer: nothing to silence
        pass


def _page(svg: str, title: str, width: int, height: int) -> str:
    """A page of exactly ``width``×``height`` CSS pixels holding the SVG inline, titled ``title``."""
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>@page{{size:{width}px {height}px;margin:0}}html,body{{margin:0;padding:0;background:#fff}}"
        "svg{display:block}</style></head>"
        f"<body>{svg}</body></html>"
    )


class _Renderer:
    """One warm browser: an event loop on a daemon thread, a Kaleido on it, and a tab for printing PDFs."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kuomian-renderer", daemon=True)
        self.thread.start()
        self.kaleido = None
        self.print_tab = None
        self.workdir = Path(tempfile.mkdtemp(prefix="kuomian-render-"))
        self.folders: list[Path] = [self.workdir]
        try:
            self.call(self._open, START_TIMEOUT_SECONDS)
        except BaseException:
            self.close()  # no loop, thread or folder left behind by a browser that would not start
            raise

    # ---- on the loop's thread

    async def _open(self) -> None:
        import kaleido

        k = kaleido.Kaleido(n=1, timeout=RENDER_TIMEOUT_SECONDS, mathjax=False, path=self.path)
        await k.open()
        self.kaleido = k
        # the library's clean-ups race Chromium's children; ours (in close) ignores what they leave
        impl = getattr(k, "_browser_impl", None)
        for holder in (getattr(impl, "tmp_dir", None), getattr(k, "_html_tmp_dir", None)):
            if holder is not None and getattr(holder, "path", None) is not None:
                self.folders.append(Path(holder.path))
                inner = getattr(holder, "temp_dir", None)
                finalizer = getattr(inner, "_finalizer", None)
                if finalizer is not None:
                    finalizer.detach()  # never a second attempt at interpreter exit
        if impl is not None:
            impl.clean = lambda: None  # type: ignore[method-assign]
        k._html_tmp_dir = None  # noqa: SLF001 - removed by us

    async def _image(self, spec: dict, opts: dict) -> bytes:
        return await self.kaleido.calc_fig(spec, opts=opts)

    async def _print(self, page: Path, width: int, height: int) -> bytes:
        if self.print_tab is None:
            self.print_tab = await self.kaleido.create_tab("")
            await self.print_tab.send_command("Page.enable")
        tab = self.print_tab
        loaded = tab.subscribe_once("Page.loadEventFired")
        while loaded.done():  # an old event: wait for this navigation's
            loaded = tab.subscribe_once("Page.loadEventFired")
        answer = await tab.send_command("Page.navigate", params={"url": page.as_uri()})
        if "error" in answer:
            raise RenderFailed(f"the browser could not open the page: {answer['error']}")
        await asyncio.wait_for(loaded, RENDER_TIMEOUT_SECONDS)
        await tab.send_command(
            "Runtime.evaluate", params={"expression": "document.fonts.ready.then(() => true)", "awaitPromise": True}
        )
        answer = await tab.send_command(
            "Page.printToPDF",
            params={
                "paperWidth": width / CSS_PX_PER_INCH,
                "paperHeight": height / CSS_PX_PER_INCH,
                "marginTop": 0,
                "marginBottom": 0,
                "marginLeft": 0,
                "marginRight": 0,
                "printBackground": True,
                "preferCSSPageSize": True,
                "pageRanges": "1",
            },
        )
        if "error" in answer:
            raise RenderFailed(f"the browser could not print the page: {answer['error']}")
        return base64.b64decode(answer["result"]["data"])

    async def _close(self) -> None:
        if self.kaleido is not None:
            await self.kaleido.close()

    # ---- from any thread

    def alive(self) -> bool:
        process = getattr(self.kaleido, "subprocess", None)
        return self.thread.is_alive() and process is not None and process.poll() is None

    def call(self, work: Callable, timeout: float, *args):
        future = asyncio.run_coroutine_threadsafe(work(*args), self.loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise RenderFailed(f"the renderer did not answer within {timeout:.0f} s") from None

    def image(self, spec: dict, opts: dict) -> bytes:
        return self.call(self._image, RENDER_TIMEOUT_SECONDS, spec, opts)

    def print_pdf(self, document: str, width: int, height: int) -> bytes:
        page = self.workdir / "page.html"
        page.write_text(document, encoding="utf-8")
        return self.call(self._print, RENDER_TIMEOUT_SECONDS, page, width, height)

    def close(self) -> None:
        """Close the browser, stop the loop and remove the temporary folders; never raises, never prints."""
        try:
            if self.thread.is_alive():
                self.call(self._close, CLOSE_TIMEOUT_SECONDS)
        except BaseException:  # noqa: BLE001 - leaving: kill below
            pass
        process = getattr(self.kaleido, "subprocess", None)
        if process is not None and process.poll() is None:
            try:
                process.kill()
                process.wait(5)
            except BaseException:  # noqa: BLE001
                pass
        if self.loop.is_running():
            self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        if not self.loop.is_running() and not self.loop.is_closed():
            self.loop.close()
        for folder in self.folders:
            for _ in range(20):  # a late child may still write into the profile for a moment
                shutil.rmtree(folder, ignore_errors=True)
                if not folder.exists():
                    break
                time.sleep(0.05)


_renderer: _Renderer | None = None
_atexit_registered = False


def _ensure() -> _Renderer:
    """The process's warm renderer, started on first use (or again if its browser died). Call under ``_lock``."""
    global _renderer, _atexit_registered
    path = browser_path()
    if path is None:
        raise RendererMissing(_missing_message())
    if _renderer is not None and not _renderer.alive():
        _renderer.close()
        _renderer = None
    if _renderer is None:
        _quiet_libraries()
        os.environ.setdefault("BROWSER_PATH", path)  # kaleido (choreographer) reads it: never a download
        if not _atexit_registered:
            atexit.register(stop)
            _atexit_registered = True
        try:
            _renderer = _Renderer(path)
        except RenderFailed:
            raise
        except Exception as error:  # noqa: BLE001 - a browser that would not start
            raise RenderFailed(f"the browser did not start: {type(error).__name__}: {error}") from error
    return _renderer


def _failed(error: BaseException) -> RenderFailed:
    global _renderer
    if _renderer is not None:  # a broken browser is not kept: the next call starts a fresh one
        _renderer.close()
        _renderer = None
    return error if isinstance(error, RenderFailed) else RenderFailed(f"{type(error).__name__}: {error}")


def render(fig: go.Figure, fmt: str = "png", *, width: int = WIDTH, height: int = HEIGHT, scale: float = 1, title: str = "") -> bytes:
    """``fig`` as ``png``, ``svg`` or ``pdf`` bytes, ``width``×``height`` layout pixels (a PNG has ``scale`` times as many).

    ``title``: the PDF's document title (its ``/Title``; other formats ignore it).
    Raises :class:`RendererMissing` without a browser, :class:`RenderFailed` when it fails.
    """
    if fmt not in ("png", "pdf", "svg"):
        raise ValueError(f"cannot render {fmt!r}; expected png, pdf or svg")
    spec = fig.to_dict()
    image_format = "svg" if fmt == "pdf" else fmt
    opts = {"format": image_format, "width": int(width), "height": int(height), "scale": scale if fmt == "png" else 1}
    with _lock:
        renderer = _ensure()
        try:
            data = renderer.image(spec, opts)
            if fmt == "pdf":
                svg = data.decode("utf-8") if isinstance(data, bytes) else str(data)
                data = renderer.print_pdf(_page(svg, title, int(width), int(height)), int(width), int(height))
        except RendererMissing:
            raise
        except BaseException as error:  # noqa: BLE001 - reported as RenderFailed
            raise _failed(error) from error
    return data if isinstance(data, bytes) else str(data).encode("utf-8")


def png(fig: go.Figure, *, width: int = WIDTH, height: int = HEIGHT, scale: float = 1) -> bytes:
    return render(fig, "png", width=width, height=height, scale=scale)


def pdf(fig: go.Figure, *, width: int = WIDTH, height: int = HEIGHT, title: str = "") -> bytes:
    """One page of ``width``×``height`` CSS pixels, in vectors, its text a real text layer, titled ``title``."""
    return render(fig, "pdf", width=width, height=height, title=title)


_warming: threading.Thread | None = None


def warm_up() -> None:
    """Start the warm browser in the background, so the first real image does not pay its start.

    Returns at once; does nothing where no browser is installed or it already
    runs. A failure here is silent: the real render reports it.
    """
    global _warming
    if not available() or (_warming is not None and _warming.is_alive()) or (_renderer is not None and _renderer.alive()):
        return

    def run() -> None:
        try:
            with _lock:
                _ensure()
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
    """Close the warm browser and remove its folders (tests, benchmarks; registered to run at exit). Quiet."""
    global _renderer
    with _lock:
        if _renderer is not None:
            _renderer.close()
            _renderer = None
