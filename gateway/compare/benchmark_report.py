"""The committed benchmark report, as the page shows it: the folder `catalog bench` writes
(results.json, report.md, PNG charts), found at GATEWAY_COMPARE_REPORT_DIR (benchmarks/results/
by default). The headline table is the one the report wrote into results.json (`headline`), so
the page reads data and runs no benchmark code; report.md is rendered as CommonMark with raw HTML
off; only the folder's own .png, .json and .md files are served, by plain name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import orjson
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

RESULTS = "results.json"
REPORT = "report.md"
CONTENT_TYPES = {
    ".png": "image/png",
    ".json": "application/json",
    ".md": "text/markdown; charset=utf-8",
}
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
_CHART = re.compile(r"!\[[^\]]*\]\(([^)\s]+\.png)\)")


class ReportUnavailable(Exception):
    """There is no report to show; the message says why, for the page."""


@dataclass(frozen=True)
class BenchmarkReport:
    run: str
    header: list[str]
    rows: list[list[str]]
    charts: list[str]


def load(folder: Path) -> BenchmarkReport:
    try:
        results = orjson.loads((folder / RESULTS).read_bytes())
    except FileNotFoundError:
        raise ReportUnavailable(
            f"No benchmark report yet: the report folder (GATEWAY_COMPARE_REPORT_DIR, "
            f"benchmarks/results/ by default) holds no {RESULTS}. Run `catalog bench` and commit "
            "its folder there."
        ) from None
    except (OSError, orjson.JSONDecodeError) as exc:
        raise ReportUnavailable(
            f"The benchmark report's {RESULTS} cannot be read ({type(exc).__name__})."
        ) from None
    try:
        meta = results["meta"]
        table = results["headline"]
        header = [str(cell) for cell in table["header"]]
        rows = [[str(cell) for cell in row] for row in table["rows"]]
        run = (f"{meta['profile']['name']} run of {meta['started']}, {meta['books']:,} books on "
               f"{meta['database']}")  # fmt: skip
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportUnavailable(
            f"The benchmark report's {RESULTS} is not in the expected shape ({exc!r})."
        ) from None
    return BenchmarkReport(run, header, rows, _charts(folder))


def _charts(folder: Path) -> list[str]:
    """The charts report.md shows, in its order, that exist in the folder."""
    try:
        text = (folder / REPORT).read_text()
    except OSError:
        return []
    return [name for name in dict.fromkeys(_CHART.findall(text)) if report_file(folder, name)]


def rendered_markdown(folder: Path) -> SafeString:
    try:
        text = (folder / REPORT).read_text()
    except OSError:
        missing = f"No benchmark report yet: the report folder has no {REPORT}."
        raise ReportUnavailable(missing) from None
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    html: str = parser.render(text)
    return mark_safe(html)


def report_file(folder: Path, name: str) -> Path | None:
    """One of the folder's own files by plain name (no path, no hidden file), if served."""
    if not _FILE_NAME.match(name) or Path(name).suffix not in CONTENT_TYPES:
        return None
    path = folder / name
    inside = path.resolve().parent == folder.resolve()  # a link out of the folder is not served
    return path if inside and path.is_file() else None
