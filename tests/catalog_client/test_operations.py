"""The requests catalog_client/operations.py builds are the ones the benchmark, `catalog compare`
and the gateway's compare page send: one book draft for both protocols, either kind of SOAP
credentials, any page size."""

from lxml import etree

from catalog_client.operations import (
    BookDraft,
    Context,
    create_request,
    protocol_target,
    request_for,
    scenario_named,
)

WSSE = "{http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd}"
TNS = "{urn:bookcatalog:soap:v1}"
DRAFT = BookDraft("9790000000018", "Twice & Once", 3, 4, "2020-05-01", "fr", 99, "9.50", "USD")


def _ctx(**extra) -> Context:
    return Context(book_id=1, author_id=1, publisher_id=1, token="t0ken", **extra)


def test_a_draft_is_the_same_book_in_rest_and_in_soap():
    rest = create_request(protocol_target("rest", "gw", 80), _ctx(draft=DRAFT), 1)
    soap = create_request(protocol_target("soap", "gw", 80), _ctx(draft=DRAFT), 1)
    assert rest.path == "/api/v2/books/"
    assert rest.body == (
        b'{"isbn":"9790000000018","title":"Twice & Once","authors":[3],"publisher":4,'
        b'"published_date":"2020-05-01","language":"fr","pages":99,'
        b'"price":{"amount":"9.50","currency":"USD"}}'
    )
    book = etree.fromstring(soap.body).find(f".//{TNS}book")
    assert [child.tag.removeprefix(TNS) for child in book] == [
        "isbn", "title", "author_ids", "publisher_id", "published_date", "language", "pages",
        "price",
    ]  # fmt: skip
    assert book.findtext(f"{TNS}title") == "Twice & Once"
    assert book.find(f"{TNS}author_ids").findtext(f"{TNS}id") == "3"
    assert book.find(f"{TNS}price").findtext(f"{TNS}currency") == "USD"


def test_an_authenticated_soap_call_carries_a_bearer_token_by_default():
    request = create_request(protocol_target("soap", "gw", 80), _ctx(), 1)
    assert ("Authorization", "Bearer t0ken") in request.headers
    assert b"Security" not in request.body


def test_with_ws_security_it_carries_a_username_token_instead():
    request = create_request(protocol_target("soap", "gw", 80), _ctx(ws_security=("ed", "<pw>")), 1)
    assert not any(name == "Authorization" for name, _ in request.headers)
    token = etree.fromstring(request.body).find(f".//{WSSE}UsernameToken")
    assert token.findtext(f"{WSSE}Username") == "ed"
    assert token.findtext(f"{WSSE}Password") == "<pw>"
    assert token.find(f"{WSSE}Password").get("Type").endswith("#PasswordText")


def test_a_search_sends_the_contexts_criteria_in_both_protocols():
    ctx = _ctx(search={"search": "war", "ordering": "-price"})
    rest = request_for("search", protocol_target("rest", "gw", 80), ctx)
    soap = request_for("search", protocol_target("soap", "gw", 80), ctx)
    assert rest.path == "/api/v2/books/?search=war&ordering=-price&page_size=20"
    criteria = etree.fromstring(soap.body).find(f".//{TNS}filter")
    assert [(c.tag.removeprefix(TNS), c.text) for c in criteria] == [
        ("search", "war"), ("ordering", "-price"),
    ]  # fmt: skip


def test_any_page_size_names_a_list_scenario():
    assert scenario_named("list_7").name == "list_7"
    assert scenario_named("list_100").title == "List 100 books"
    request = request_for("list_7", protocol_target("rest", "gw", 80), _ctx())
    assert request.path == "/api/v2/books/?page_size=7"
