"""Offline rendering: altair charts without a CDN, notebook → HTML, HTML → PDF.

Why a custom renderer: altair's default renderer loads vega from cdn.jsdelivr.net (the
intranet has no internet); ``alt.renderers.enable("html", template="inline")`` copies a
~0.9 MB bundle into *every* chart and breaks as soon as a page holds two charts
(``Identifier 'spec' has already been declared``); the ``mimetype`` renderer is broken in
altair 6.3. So a report inlines ``vl_convert.javascript_bundle()`` **once**
(:func:`setup_notebook`) and each chart is a ``<div>`` plus a small ``vegaEmbed`` call
(:func:`offline_renderer`), drawn as SVG so that Chromium can print it into the PDF.

In JupyterLab the first output is the bundle itself. In a build (a kernel started with
``GREENPLAN_VEGA_INJECT=1``, see :mod:`greenlib.report.kernels`) it is only an empty
placeholder (:data:`PLACEHOLDER`) and the HTML export puts the bundle in its place
(:func:`inject_bundle`): the executed notebook is 70–150 KB instead of ~1 MB, and papermill,
nbconvert's templates and the page checks no longer carry the bundle through every step.

The HTML export (:func:`export_html`) uses nbconvert's lab template minus every script
that loads from the network (require.js, MathJax, mermaid, widgets), hides all code
(``exclude_input``) and checks the result with :func:`external_refs`. The PDF
(:func:`print_pdf`) is the same HTML printed by headless Chromium.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import altair as alt
import nbformat

from .. import labels
from ..errors import GreenlibError
from . import fmt, reproducible
from .atomic import write_atomic

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "greenplan"
CSS = TEMPLATES / TEMPLATE_NAME / "report.css"
RENDERER_NAME = "greenplan_offline"

#: vega-embed options: SVG (printable, crisp), no action menu (it links to the web editor).
EMBED_OPTIONS: dict[str, Any] = {"renderer": "svg", "actions": False}

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

#: PDFs carry bookmarks made from the headings (h1–h3). Chromium: ``--generate-pdf-document-outline``
#: on the command line, ``generateDocumentOutline: true`` for DevTools ``Page.printToPDF``
#: (both checked with Chromium 156).
PDF_OUTLINE = True
#: Headings listed in a report's contents list (目录).
TOC_LEVELS = (2, 3)
#: The link back to the plan's list of reports (the reports sit beside index.html).
INDEX_HREF = "index.html"


# --------------------------------------------------------------------------- charts


@functools.cache
def javascript_bundle() -> str:
    """Vega + Vega-Lite + vega-embed as one script, matching altair's Vega-Lite version.

    The bundle is wrapped in a function so that its top-level ``const`` declarations do
    not collide when a notebook cell is re-run in JupyterLab, and it is skipped when
    ``window.vegaEmbed`` already exists. Built once per environment and then read from
    disk (:mod:`greenlib.report.vega_cache`).
    """
    from .vega_cache import cached_bundle

    def make() -> str:
        import vl_convert as vlc

        return vlc.javascript_bundle(vl_version=major_minor)

    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    bundle = cached_bundle(major_minor, make)
    if "</script" in bundle.lower():  # would end the inline <script> early
        bundle = re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE)
    return "(function () {\nif (window.vegaEmbed) { return; }\n" + bundle + "\n})();"


#: ``id`` of the ``<script>`` holding the vega bundle (and of its placeholder).
BUNDLE_ID = "greenplan-vega-bundle"
#: Set to ``1`` in a kernel's environment: :func:`setup_notebook` shows :data:`PLACEHOLDER`
#: instead of the bundle, which the HTML export then inserts (:func:`inject_bundle`).
INJECT_ENV = "GREENPLAN_VEGA_INJECT"
#: What a built notebook carries instead of the bundle.
PLACEHOLDER = f'<script id="{BUNDLE_ID}" data-inject="1"></script>'


def bundle_html() -> str:
    """The ``<script>`` element carrying the vega bundle (once per report)."""
    return f'<script id="{BUNDLE_ID}">{javascript_bundle()}</script>'


def _script_json(obj: Any) -> str:
    """JSON safe to put inside an inline ``<script>`` (no ``</script>``, no ``<!--``)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def chart_html(spec: dict[str, Any], embed_options: dict[str, Any] | None = None) -> str:
    """A ``<div>`` and the ``vegaEmbed`` call that draws ``spec`` into it.

    The call waits (polling every 50 ms, up to 30 s) until the bundle has defined
    ``window.vegaEmbed``, so the order in which a frontend runs output scripts does
    not matter.
    """
    div_id = reproducible.chart_id(spec)  # stable: same spec, same page → same bytes
    opts = {**EMBED_OPTIONS, **(embed_options or {})}
    return (
        f'<div class="gp-chart vega-embed-container" id="{div_id}"></div>\n'
        "<script>(function () {\n"
        f'  var spec = {_script_json(spec)}, opt = {_script_json(opts)}, tries = 0;\n'
        "  function draw() {\n"
        "    if (window.vegaEmbed) {\n"
        f'      window.vegaEmbed("#{div_id}", spec, opt).catch(function (err) {{\n'
        f'        document.getElementById("{div_id}").textContent = "图表无法显示：" + err;\n'
        "      });\n"
        "    } else if (tries++ < 600) { setTimeout(draw, 50); }\n"
        "  }\n"
        "  draw();\n"
        "})();</script>"
    )


def offline_renderer(spec: dict[str, Any], **metadata: Any) -> dict[str, str]:
    """altair renderer: HTML that needs only the bundle from :func:`setup_notebook`."""
    return {"text/html": chart_html(spec, metadata.get("embed_options")),
            "text/plain": "<altair chart>"}


def enable_renderer() -> None:
    """Register and enable :func:`offline_renderer` in this process."""
    if RENDERER_NAME not in alt.renderers.names():
        alt.renderers.register(RENDERER_NAME, offline_renderer)
    alt.renderers.enable(RENDERER_NAME)


def inject_requested() -> bool:
    """True in a kernel the build started (``GREENPLAN_VEGA_INJECT=1``)."""
    return os.environ.get(INJECT_ENV) == "1"


def setup_notebook() -> None:
    """First output of every report: the vega bundle (in a build: its placeholder, see
    :func:`inject_bundle`), and the offline renderer enabled."""
    from IPython.display import HTML, display

    enable_renderer()
    display(HTML(PLACEHOLDER if inject_requested() else bundle_html()))


#: The placeholder as it comes out of nbconvert, which re-serialises HTML outputs (it puts
#: ``data-inject`` before ``id``): any attribute order and quoting.
_PLACEHOLDER_IN_PAGE = re.compile(
    rf"<script\b(?=[^>]*\bid=[\"']?{BUNDLE_ID}[\"'\s>])(?=[^>]*\bdata-inject\b)[^>]*>\s*</script\s*>",
    re.IGNORECASE)
_LEFTOVER = re.compile(r"<script\b[^>]*\bdata-inject\b", re.IGNORECASE)
_BUNDLE_TAG = re.compile(rf"<script\b[^>]*\bid=[\"']?{BUNDLE_ID}[\"'\s>]", re.IGNORECASE)


def inject_bundle(page: str) -> str:
    """``page`` with its bundle placeholder replaced by the bundle (:func:`bundle_html`), or
    by nothing when the page draws no chart (it then stays a few hundred KB, not ~1 MB).

    The first placeholder becomes the bundle, any further one (``setup_notebook`` run twice)
    is dropped, and all are dropped when the page already holds the bundle (a notebook
    executed in JupyterLab). Raises :class:`GreenlibError` rather than return a page whose
    charts could not draw: when the bundle cannot be had, when a placeholder is left (one
    this function does not recognise), or when a page with charts ends up without exactly
    one bundle.
    """
    spots = list(_PLACEHOLDER_IN_PAGE.finditer(page))
    if spots:
        has_bundle = len(_BUNDLE_TAG.findall(page)) > len(spots)
        full = ""
        # a page that draws no chart (most department pages) carries no chart library
        if not has_bundle and 'class="gp-chart' in page:
            try:
                full = bundle_html()
            except Exception as e:
                raise GreenlibError(f"the vega bundle could not be inserted: {e}") from e
        parts, at = [], 0
        for i, m in enumerate(spots):
            parts += [page[at:m.start()], full if i == 0 else ""]
            at = m.end()
        page = "".join([*parts, page[at:]])
    if _LEFTOVER.search(page):
        raise GreenlibError("a vega bundle placeholder was left in the page: its charts would "
                            "not draw")
    bundles = len(_BUNDLE_TAG.findall(page))
    if bundles > 1 or (bundles == 0 and 'class="gp-chart' in page):
        raise GreenlibError(f"the page holds {bundles} vega bundles (1 expected): its charts "
                            "would not draw as they should")
    return page


# --------------------------------------------------------------------------- offline check


class _RefFinder(HTMLParser):
    """Collects URLs a browser would fetch by itself: src/href of script, link, img, …"""

    FETCHING: ClassVar[dict[str, str]] = {
        "script": "src", "link": "href", "img": "src", "iframe": "src", "source": "src",
        "embed": "src", "video": "src", "audio": "src", "object": "data",
        "image": "href", "use": "href", "track": "src", "input": "src",
    }

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        want = self.FETCHING.get(tag)
        for name, value in attrs:
            if value and (name == want or (name in ("srcset", "xlink:href"))):
                self.refs.append(value)
            if value and name == "style" and "url(" in value:
                self.refs += re.findall(r"url\(\s*['\"]?([^'\")]+)", value)


_EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_EXTERNAL = re.compile(
    r"(?:@import\s+(?:url\()?\s*['\"]?|url\(\s*['\"]?)\s*((?:https?:)?//[^'\")\s]+)",
    re.IGNORECASE)


def external_refs(html_text: str) -> list[str]:
    """Every reference in ``html_text`` that would make a browser contact another host.

    Looks at the attributes browsers fetch by themselves (script/img/iframe src, link
    href, …) and at CSS ``url()``/``@import``. Plain text and ``<a href>`` links a reader
    may click are not fetches and are allowed.
    """
    finder = _RefFinder()
    finder.feed(html_text)
    refs = [r for r in finder.refs if _EXTERNAL.match(r)]
    for style in re.findall(r"<style[^>]*>(.*?)</style>", html_text, flags=re.S | re.I):
        refs += _CSS_EXTERNAL.findall(style)
    return refs


# --------------------------------------------------------------------------- HTML


def _drop_streams(nb: nbformat.NotebookNode) -> list[str]:
    """Remove stdout/stderr outputs (warnings, prints): they are for the build log, not
    for readers. Returns their text."""
    removed: list[str] = []
    for cell in nb.cells:
        if cell.get("cell_type") != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream":
                removed.append(str(out.get("text", "")))
            else:
                kept.append(out)
        cell["outputs"] = kept
    return removed


#: Output data of these mime types are for the build (the headline figures), not for readers:
#: nbconvert's lab template would print their JSON as text.
BUILD_MIME_PREFIX = "application/vnd.greenplan."


def _drop_build_data(nb: nbformat.NotebookNode) -> None:
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data") or {}
            for key in [k for k in data if k.startswith(BUILD_MIME_PREFIX)]:
                del data[key]


@functools.cache
def html_exporter() -> Any:
    """One nbconvert exporter per process: building one compiles its Jinja templates again
    (~0.1 s of CPU per report). Exporting keeps no state between notebooks — each call gets
    its own resources — which ``tests/test_render.py`` checks by exporting two reports in
    turn with one exporter and with fresh ones."""
    from nbconvert import HTMLExporter

    return HTMLExporter(
        template_name=TEMPLATE_NAME,
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
        anchor_link_text="",
    )


def notebook_to_html(nb: nbformat.NotebookNode, title: str, footer: str = "") -> str:
    """Render an executed notebook as a reader's page: no code, no prompts, no CDN; with a
    contents list (:func:`add_contents`) and a link back to the index (:func:`add_back_link`)."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))  # private copy
    _drop_streams(nb)
    _drop_build_data(nb)
    reproducible.fix_cell_ids(nb)
    nb.metadata["title"] = title
    exporter = html_exporter()
    resources = {"greenplan_css": CSS.read_text(encoding="utf-8"), "greenplan_footer": footer,
                 "metadata": {"name": title}}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = add_contents(body)
    body = add_back_link(body)
    body = mark_lights(body)
    body = mark_open_wide(body)
    refs = external_refs(body)
    if refs:
        raise GreenlibError(f"the HTML for {title!r} would load from the network: {refs[:5]}")
    # last: the steps above need not scan the bundle (an inline script without src, allowed
    # by the CSP's 'unsafe-inline')
    return inject_bundle(reproducible.add_csp(body))


_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1\s*>", flags=re.S | re.I)
_RAW = re.compile(r"(<script\b.*?</script\s*>|<style\b.*?</style\s*>)", flags=re.S | re.I)


def _html_segments(page: str) -> list[tuple[bool, str]]:
    """``page`` cut into (is markup a reader sees, text): scripts and styles are left alone
    (the vega bundle holds ``<h2>`` in its JavaScript strings)."""
    return [(not _RAW.fullmatch(part), part) for part in _RAW.split(page) if part]


def add_contents(page: str, levels: tuple[int, ...] = TOC_LEVELS, title: str = "目录") -> str:
    """Insert a contents list (``<nav class="gp-toc">``) linking to every heading at ``levels``.

    Headings without an ``id`` get one. The list goes after the title block (the first
    ``p.gp-meta``), else at the top of ``<main>``; a page with fewer than two headings is
    returned unchanged. The links also work in the PDF (Chromium keeps internal links).
    """
    import html as html_mod

    counter = iter(range(1, 10_000))
    entries: list[tuple[int, str, str]] = []

    def label(m: re.Match[str]) -> str:
        level, attrs, inner = int(m.group(1)), m.group(2), m.group(3)
        if level not in levels:
            return m.group(0)
        ident = re.search(r'\bid="([^"]*)"', attrs)
        if ident and ident.group(1):
            key = ident.group(1)
        else:
            key = f"gp-h-{next(counter)}"
            attrs = f' id="{key}"' + attrs
        text = html_mod.unescape(re.sub(r"<[^>]+>", "", inner)).strip()
        if text:
            entries.append((level, key, text))
        return f"<h{level}{attrs}>{inner}</h{level}>"

    parts = [_HEADING.sub(label, part) if visible else part
             for visible, part in _html_segments(page)]
    page = "".join(parts)
    if len(entries) < 2:
        return page
    items = "".join(
        f'<li class="gp-toc-{level}"><a href="#{html_mod.escape(key, quote=True)}">'
        f"{html_mod.escape(text)}</a></li>" for level, key, text in entries)
    nav = (f'<nav class="gp-toc" aria-label="{html_mod.escape(title)}">'
           f'<div class="gp-toc-title">{html_mod.escape(title)}</div><ol>{items}</ol></nav>')
    meta = re.search(r'<p class="gp-meta"[^>]*>.*?</p>', page, flags=re.S)
    if meta:
        return page[:meta.end()] + nav + page[meta.end():]
    main = re.search(r"<main[^>]*>", page)
    at = main.end() if main else 0
    return page[:at] + nav + page[at:]


_LIGHT_CELL = re.compile(r"(<td\b[^>]*>)\s*(" + "|".join(labels.LIGHT.values()) + r")\s*(</td\s*>)")


def mark_lights(page: str) -> str:
    """A table cell holding only a light's word (a markdown table's 红灯) gets the coloured
    mark before it, as :func:`greenlib.report.show.table_html` writes it."""
    by_word = {w: c for c, w in labels.LIGHT.items()}
    parts = [_LIGHT_CELL.sub(lambda m: m.group(1) + fmt.light_html(by_word[m.group(2)])
                             + m.group(3), part) if visible else part
             for visible, part in _html_segments(page)]
    return "".join(parts)


def mark_open_wide(page: str) -> str:
    """A page whose first table, chart or cards is a landscape table (``gp-wide``) gets
    ``gp-open-wide`` on its ``<body>``: report.css prints its opening (title, contents, the
    first lines) on the landscape page with that table, not alone on a portrait page."""
    visible = "".join(part for shown, part in _html_segments(page) if shown)
    first = re.search(r'<table\b[^>]*>|class="[^"]*\bgp-(?:chart|cards)\b', visible)
    if not first or not re.match(r'<table\b[^>]*class="[^"]*\bgp-wide\b', first.group(0)):
        return page
    body = re.search(r'<body\b[^>]*\bclass="([^"]*)"', page)
    if not body:
        return page
    return page[:body.start(1)] + body.group(1) + " gp-open-wide" + page[body.end(1):]


def add_back_link(page: str, href: str = INDEX_HREF, text: str = "← 返回报告目录") -> str:
    """A link to the plan's list of reports at the top of ``<main>`` (hidden in print)."""
    import html as html_mod

    main = re.search(r"<main[^>]*>", page)
    if not main:
        return page
    link = (f'<p class="gp-back"><a href="{html_mod.escape(href, quote=True)}">'
            f"{html_mod.escape(text)}</a></p>")
    return page[:main.end()] + link + page[main.end():]


def export_html(notebook: str | Path | nbformat.NotebookNode, out: str | Path, title: str,
                footer: str = "") -> Path:
    """Executed notebook (path or node) → ``out`` (written atomically)."""
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(
        str(notebook), as_version=4)
    out = Path(out)
    write_atomic(out, notebook_to_html(nb, title, footer))
    return out


# --------------------------------------------------------------------------- Chromium


def chromium_path() -> str | None:
    """The Chromium/Chrome executable (``GREENPLAN_CHROMIUM`` overrides), or ``None``."""
    env = os.environ.get("GREENPLAN_CHROMIUM")
    if env:
        return env
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium_version() -> str:
    """What the Chromium in use says of itself (``Chromium 156.0.8078.129 …``), or ``""``.

    Recorded in the test log and in ``make bench``: print checks must hold across browser
    builds, and a log that names the build tells which one a result came from."""
    exe = chromium_path()
    if not exe:
        return ""
    try:
        out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


#: Where Chromium's own Google services would go; pointed at a dead local port.
_DEAD = "http://127.0.0.1:9"

#: Flags that keep headless Chromium off the network. Measured with a logging proxy:
#: without the ``--disable-features`` list, ``--gaia-url`` and ``--component-updater``
#: lines Chromium 156 still contacts clients2.google.com (network time),
#: update.googleapis.com (component updater) and accounts.google.com on every start.
QUIET_FLAGS: tuple[str, ...] = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars",
    "--no-default-browser-check", "--disable-dev-shm-usage", "--disable-breakpad",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--no-pings",
    "--metrics-recording-only", "--safebrowsing-disable-auto-update", "--no-service-autorun",
    "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter,"
    "DialMediaRouteProvider,AutofillServerCommunication,CertificateTransparencyComponentUpdater",
    f"--component-updater=url-source={_DEAD}/", f"--gaia-url={_DEAD}",
    f"--google-apis-url={_DEAD}", f"--lso-url={_DEAD}",
)


def chromium_command(*args: str, profile: str | Path, proxy: str = "127.0.0.1:9",
                     resolve_nothing: bool = True) -> list[str]:
    """A headless Chromium command line that stays off the network.

    All traffic goes to ``proxy`` (by default a dead local port, so a stray reference fails
    fast instead of leaving the machine) and, with ``resolve_nothing``, every host name
    resolves to nothing. The tests pass a logging proxy instead, to see any request.
    """
    exe = chromium_path()
    if not exe:
        raise GreenlibError("Chromium not found: run `make sysdeps` (or set GREENPLAN_CHROMIUM)")
    net = [f"--proxy-server={proxy}", "--proxy-bypass-list=<-loopback>"]
    if resolve_nothing:
        net.append("--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost")
    return [exe, *QUIET_FLAGS, *net, f"--user-data-dir={profile}", *args]


def run_chromium(args: list[str], timeout: float = 180, **net: Any
                 ) -> subprocess.CompletedProcess[bytes]:
    """Run headless Chromium with a fresh throw-away profile (``net``: see
    :func:`chromium_command`)."""
    with tempfile.TemporaryDirectory(prefix="greenplan-chromium-") as profile:
        cmd = chromium_command(*args, profile=profile, **net)
        try:
            return subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                                  env={**os.environ, "HOME": profile})
        except subprocess.TimeoutExpired as e:
            raise GreenlibError(f"Chromium did not finish within {timeout:.0f} s") from e


def print_pdf(html_path: str | Path, pdf_path: str | Path, budget_ms: int = 15000,
              timeout: float = 180) -> Path:
    """Print ``html_path`` to ``pdf_path`` with headless Chromium (written atomically).

    ``--virtual-time-budget`` lets the vegaEmbed calls finish before printing.
    """
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{pdf_path.name}.", suffix=".tmp", dir=pdf_path.parent)
    os.close(fd)
    try:
        outline = ["--generate-pdf-document-outline"] if PDF_OUTLINE else []
        proc = run_chromium([f"--virtual-time-budget={budget_ms}",
                             "--run-all-compositor-stages-before-draw", "--no-pdf-header-footer",
                             *outline, f"--print-to-pdf={tmp}", html_path.as_uri()],
                            timeout=timeout)
        if proc.returncode != 0 or Path(tmp).stat().st_size < 1000:
            err = proc.stderr.decode("utf-8", "replace")[-2000:]
            raise GreenlibError(f"Chromium could not print {html_path.name} "
                                f"(exit {proc.returncode}): {err}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, pdf_path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return pdf_path


def dump_dom(html_path: str | Path, budget_ms: int = 10000, timeout: float = 120,
             **net: Any) -> str:
    """The DOM of ``html_path`` after its scripts ran (used by the tests and checks)."""
    proc = run_chromium([f"--virtual-time-budget={budget_ms}", "--dump-dom",
                         Path(html_path).resolve().as_uri()], timeout=timeout, **net)
    if proc.returncode != 0:
        raise GreenlibError(f"Chromium --dump-dom failed: {proc.stderr.decode()[-2000:]}")
    return proc.stdout.decode("utf-8", "replace")


def screenshot(html_path: str | Path, png_path: str | Path, width: int = 1000,
               height: int = 3000, budget_ms: int = 10000) -> Path:
    """A PNG of the page as a browser shows it (for visual checks)."""
    png_path = Path(png_path).resolve()
    run_chromium([f"--virtual-time-budget={budget_ms}", f"--window-size={width},{height}",
                  f"--screenshot={png_path}", Path(html_path).resolve().as_uri()])
    return png_path
