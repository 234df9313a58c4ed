"""The /compare/ page: one catalog operation performed as REST v2 and as SOAP 1.1 through this
gateway, shown side by side, with the committed benchmark report below it.

    forms.py             which operation, with which parameters
    runs.py              performs it both ways over HTTP to the gateway's own address
    summary.py           what the answers say: status, errors, Server-Timing, rate limits, verdict
    masking.py           tokens and passwords never reach the page
    highlight.py         pretty bodies as escaped, highlighted HTML
    presentation.py      the two columns the template shows
    benchmark_report.py  the committed benchmark folder (headline table, charts, report.md)
    views.py, urls.py    the page, the report and the page's own static files

A Django app of the gateway's Django side (asgi.py routes /compare/ there, never through the
pipeline); off in production unless GATEWAY_COMPARE_PAGE is true.
"""
