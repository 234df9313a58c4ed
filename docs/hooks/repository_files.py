"""mkdocs hook: files kept elsewhere in the repository become part of the site, as they are.

The benchmark report (`benchmarks/results/report.md`, written by `catalog bench`) is a page of
the site with its charts and raw figures beside it, so no page copies its numbers (the one a page
quotes, how long the run took, is computed from its results.json); the compare page's
screenshots illustrate the page that documents it.
"""

import json
from datetime import datetime
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

REPO = Path(__file__).resolve().parents[2]

# folder in the repository -> (folder in the site, suffixes taken)
MOUNTS = {
    "benchmarks/results": ("benchmarks/results", {".md", ".png", ".json"}),
    "gateway/compare/static/compare": ("images/compare", {".png"}),
}


def on_files(files: Files, config: MkDocsConfig) -> Files:
    for source, (target, suffixes) in MOUNTS.items():
        for path in sorted((REPO / source).iterdir()):
            if path.suffix in suffixes:
                uri = f"{target}/{path.name}"
                files.append(File.generated(config, uri, abs_src_path=str(path)))
    return files


def on_page_markdown(markdown: str, page, config: MkDocsConfig, files: Files) -> str:
    """`{{ committed_run_minutes }}`: how long the committed benchmark ran, from its results."""
    return markdown.replace("{{ committed_run_minutes }}", str(_committed_run_minutes()))


def _committed_run_minutes() -> int:
    meta = json.loads((REPO / "benchmarks" / "results" / "results.json").read_text())["meta"]
    took = datetime.fromisoformat(meta["finished"]) - datetime.fromisoformat(meta["started"])
    return round(took.total_seconds() / 60)
