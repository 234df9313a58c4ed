"""The page's second section shows the committed benchmark report: its headline table and charts,
with the full report rendered and its files served; a clear note while there is none."""

import orjson
import pytest

pytestmark = pytest.mark.usefixtures("page_settings")

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")  # a PNG head
RESULTS = {
    "meta": {"profile": {"name": "quick", "concurrency": [1, 16]}, "books": 1000,
             "database": "SQLite", "started": "2026-11-25T12:00:00+00:00"},
    "headline": {"header": ["operation", "SOAP/REST bytes", "SOAP/REST throughput (c=16)"],
                 "rows": [["Get one book", "1.90x", "0.93 (0.81 to 1.06)"]]},
}  # fmt: skip
REPORT = "# REST vs SOAP\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n![bytes.png](bytes.png)\n"


@pytest.fixture
def report_dir(tmp_path, settings):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "results.json").write_bytes(orjson.dumps(RESULTS))
    (folder / "report.md").write_text(REPORT)
    (folder / "bytes.png").write_bytes(PNG)
    settings.GATEWAY_COMPARE_REPORT_DIR = str(folder)
    return folder


def test_without_a_report_the_page_says_there_is_none_yet(client):
    html = client.get("/compare/").content.decode()
    assert "No benchmark report yet:" in html
    assert "Run `catalog bench` and commit its folder there" in html
    assert client.get("/compare/report/").status_code == 404


def test_the_headline_table_and_charts_of_the_report_are_shown(client, report_dir):
    html = client.get("/compare/").content.decode()
    assert "quick run of 2026-11-25T12:00:00+00:00, 1,000 books on SQLite" in html
    assert '<th scope="row">Get one book</th>' in html
    assert '<th scope="col">SOAP/REST throughput (c=16)</th>' in html
    assert "<td>1.90x</td>" in html and "<td>0.93 (0.81 to 1.06)</td>" in html
    assert '<img src="/compare/report/bytes.png"' in html
    assert '<a href="/compare/report/">The full report</a>' in html


def test_the_full_report_is_rendered_with_its_charts(client, report_dir):
    html = client.get("/compare/report/").content.decode()
    assert "<h1>REST vs SOAP</h1>" in html
    assert "<td>1</td>" in html
    assert '<img src="bytes.png" alt="bytes.png"' in html


def test_raw_html_in_the_report_is_shown_as_text(client, report_dir):
    (report_dir / "report.md").write_text("# Report\n\n<script>alert(1)</script>\n")
    html = client.get("/compare/report/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_report_folders_own_files_are_served_and_nothing_else(client, report_dir):
    (report_dir.parent / "secret.json").write_text("{}")
    (report_dir / "notes.txt").write_text("x")
    chart = client.get("/compare/report/bytes.png")
    assert chart.status_code == 200 and chart["Content-Type"] == "image/png"
    assert chart.content == PNG
    assert client.get("/compare/report/results.json").json() == RESULTS
    assert client.get("/compare/report/notes.txt").status_code == 404
    assert client.get("/compare/report/..%2Fsecret.json").status_code == 404
    assert client.get("/compare/report/.hidden.png").status_code == 404


def test_an_unreadable_report_is_named_not_crashed_on(client, report_dir):
    (report_dir / "results.json").write_text("{not json")
    html = client.get("/compare/").content.decode()
    assert "cannot be read" in html


def test_a_report_without_a_headline_table_is_named_not_crashed_on(client, report_dir):
    older = {key: value for key, value in RESULTS.items() if key != "headline"}
    (report_dir / "results.json").write_bytes(orjson.dumps(older))
    html = client.get("/compare/").content.decode()
    assert "is not in the expected shape" in html and "headline" in html
