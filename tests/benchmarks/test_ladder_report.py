"""The report's ladder and tracing sections are drawn from results.json alone: a step that was
not available says why instead of a figure, a measured one shows its bytes as sent with the
coding, and a run without the sections says they were not measured."""

from benchmarks.ladder_report import ladder_section, tracing_section, write_ladder_charts
from benchmarks.report import render_markdown

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def spread(median: float) -> dict:
    return {"median": median, "low": median * 0.9, "high": median * 1.1, "n": 3}


def measured(step: str, title: str, protocol: str, **extra) -> dict:
    return {
        "group": "page", "step": step, "title": title, "protocol": protocol,
        "available": True, "reason": None, "p50_concurrency": 1, "coding": "br",
        "bytes": {"total": 6752, "identity_body": 53515}, "p50_ms": spread(4.0),
        "throughput": spread(250.0), "server_cpu_us": spread(3100.0), **extra,
    }  # fmt: skip


LADDER = {
    "concurrency": 16,
    "groups": {"page": "100 books"},
    "rows": [
        measured("br", "Brotli", "rest", gain=spread(1.4), baseline="gzip"),
        measured("br", "Brotli", "soap"),
        {"group": "page", "step": "cache", "title": "cache hit (Brotli)", "protocol": "rest",
         "available": False, "reason": "not available in this build: no hit"},
        {"group": "page", "step": "cache", "title": "cache hit (Brotli)", "protocol": "soap",
         "available": False, "reason": "not available in this build: no hit"},
    ],
}  # fmt: skip


def test_a_measured_step_shows_bytes_as_sent_with_their_coding_and_its_gain():
    text = ladder_section({"ladder": LADDER})
    assert "| Brotli | 6,752 (br; identity body 53,515) | 4.00 | 250 | 1.40x vs gzip | 3,100 |" in (
        text
    )


def test_a_step_not_in_the_build_says_so_instead_of_a_figure():
    text = ladder_section({"ladder": LADDER})
    assert "| cache hit (Brotli) | not available in this build: no hit |" in text


def test_without_ladder_figures_the_section_says_it_was_not_measured():
    assert "Not measured" in ladder_section({})
    assert "Not measured: the services were not started here." in tracing_section(
        {"tracing": {"skipped": "the services were not started here", "reads": {}}}
    )


def test_tracing_shows_on_off_ratios():
    figures = {"throughput_ratio": 0.8, "p50_ratio": 1.2, "server_cpu_ratio": 1.3}
    ratios = {key: spread(value) for key, value in figures.items()}
    tracing = {"sampler": "always_on", "sink": "a sink", "spans": 1200, "concurrency": 16,
               "reads": {"rest": ratios}}  # fmt: skip
    text = tracing_section({"tracing": tracing})
    assert "| REST book read through the gateway | 0.80x (0.72 to 0.88) | 1.20x" in text
    assert "1,200 spans recorded" in text


def test_the_ladder_charts_are_pngs(tmp_path):
    paths = write_ladder_charts({"ladder": LADDER}, tmp_path)
    assert [path.name for path in paths] == ["ladder_bytes.png", "ladder_throughput.png"]
    assert all(path.read_bytes().startswith(PNG_MAGIC) for path in paths)


def test_a_report_from_before_the_ladder_still_renders_every_section():
    results = {
        "meta": {"profile": {"name": "full", "concurrency": [1, 16], "seconds": 3, "rounds": 5},
                 "started": "2026-11-30T10:00:00", "books": 20000, "database": "PostgreSQL",
                 "machine": {"git_commit": "abc", "cpu": "x", "logical_cpus": 2,
                             "memory_gib": 4, "os": "Linux", "python": "3.13",
                             "load_average": [0.1, 0.1, 0.1]}},
        "scenarios": {},
    }  # fmt: skip
    text = render_markdown(results, [])
    for heading in ("## The claims, tested", "## The optimisation ladder", "## Tracing on vs off"):
        assert heading in text
    assert "**Not measured**" in text
