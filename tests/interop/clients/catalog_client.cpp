// A small gSOAP client, compiled with the proxy soapcpp2 generated from the served WSDL
// (wsdl2h's header plus `#import "wsse.h"` for the WS-Security header): reads, pages, writes
// with a WS-Security UsernameToken, and reads two faults' CatalogFault detail. One "name=value"
// line per observation, for tests/interop/test_gsoap.py to assert.
//
// usage: catalog_client <endpoint-url> <username> <password> <isbn-for-the-new-book>

#include "soapCatalogServiceProxy.h"
#include "CatalogService.nsmap"

#include <iostream>
#include <string>

static const char *PASSWORD_TEXT =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
    "#PasswordText";

static void print(const std::string &name, const std::string &value) {
    std::cout << name << "=" << value << std::endl;
}

static std::string ids(const ns1__BookPage *page) {
    std::string out;
    for (const ns1__Book *book : page->books->book) {
        out += (out.empty() ? "" : ",") + std::to_string(book->id);
    }
    return out;
}

// gSOAP's wsse plugin adds this header too; filling the generated structs needs no OpenSSL.
static void with_username_token(struct soap *soap, const char *username, const char *password) {
    _wsse__Security *security = soap_new__wsse__Security(soap);
    security->UsernameToken = soap_new__wsse__UsernameToken(soap);
    security->UsernameToken->Username = soap_strdup(soap, username);
    security->UsernameToken->Password = soap_new__wsse__Password(soap);
    security->UsernameToken->Password->__item = soap_strdup(soap, password);
    security->UsernameToken->Password->Type = soap_strdup(soap, PASSWORD_TEXT);
    soap->header = soap_new_SOAP_ENV__Header(soap);
    soap->header->wsse__Security = security;
}

static void print_fault(const std::string &name, CatalogServiceProxy &proxy) {
    print(name + ".error", std::to_string(proxy.soap->error));
    const SOAP_ENV__Fault *fault = proxy.soap->fault;
    const SOAP_ENV__Detail *detail = fault ? (fault->detail ? fault->detail : fault->SOAP_ENV__Detail)
                                           : nullptr;
    if (detail == nullptr || detail->ns1__CatalogFault_ == nullptr) {
        print(name + ".code", "no CatalogFault detail");
        return;
    }
    const ns1__CatalogFault *catalog = detail->ns1__CatalogFault_;
    print(name + ".code", catalog->code);
    if (catalog->current_USCOREversion) {
        print(name + ".current_version", *catalog->current_USCOREversion);
    }
    const char *reason = *soap_faultstring(proxy.soap);
    print(name + ".message", reason ? reason : "");
}

static int fail(const std::string &step, CatalogServiceProxy &proxy) {
    std::cerr << step << " failed: ";
    proxy.soap_stream_fault(std::cerr);
    return 1;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        std::cerr << "usage: catalog_client <endpoint-url> <username> <password> <isbn>\n";
        return 2;
    }
    CatalogServiceProxy proxy(argv[1]);
    struct soap *soap = proxy.soap;

    int two = 2;
    ns1__ListBooks first_request;
    first_request.page_USCOREsize = &two;
    ns1__ListBooksResponse first;
    if (proxy.ListBooks(&first_request, first) != SOAP_OK) return fail("ListBooks", proxy);
    print("page1.ids", ids(first.ListBooksResult));
    ns1__ListBooks second_request;
    second_request.page_USCOREsize = &two;
    second_request.cursor = first.ListBooksResult->next_USCOREcursor;
    ns1__ListBooksResponse second;
    if (proxy.ListBooks(&second_request, second) != SOAP_OK) return fail("ListBooks", proxy);
    print("page2.ids", ids(second.ListBooksResult));

    ns1__GetBook get;
    get.id = first.ListBooksResult->books->book.front()->id;
    ns1__GetBookResponse got;
    if (proxy.GetBook(&get, got) != SOAP_OK) return fail("GetBook", proxy);
    const ns1__Book *read = got.GetBookResult;
    print("read.title", read->title);
    print("read.price", read->price->amount);
    print("read.published_date", read->published_USCOREdate);
    print("read.created_at_is_time_t", read->created_USCOREat > 0 ? "yes" : "no");

    ns1__BookInput input;
    input.isbn = argv[4];
    input.title = "Written by gSOAP";
    input.author_USCOREids = soap_new_ns1__AuthorIdArray(soap);
    input.author_USCOREids->id.push_back(read->authors->author.front()->id);
    input.publisher_USCOREid = read->publisher->id;
    input.published_USCOREdate = "2001-02-03";
    input.language = "en";
    input.pages = 123;
    input.price = soap_new_ns1__Money(soap);
    input.price->amount = "12.34";
    ns1__CreateBook create;
    create.book = &input;
    ns1__CreateBookResponse created;
    with_username_token(soap, argv[2], argv[3]);
    if (proxy.CreateBook(&create, created) != SOAP_OK) return fail("CreateBook", proxy);
    print("created.title", created.CreateBookResult->title);
    print("created.price", created.CreateBookResult->price->amount);
    print("created.version", std::to_string(created.CreateBookResult->version));

    input.title = "Rewritten by gSOAP";
    ns1__UpdateBook update;
    update.id = created.CreateBookResult->id;
    update.version = created.CreateBookResult->version;
    update.book = &input;
    ns1__UpdateBookResponse updated;
    with_username_token(soap, argv[2], argv[3]);
    if (proxy.UpdateBook(&update, updated) != SOAP_OK) return fail("UpdateBook", proxy);
    print("updated.version", std::to_string(updated.UpdateBookResult->version));

    ns1__UpdateBookResponse stale;
    with_username_token(soap, argv[2], argv[3]);
    if (proxy.UpdateBook(&update, stale) == SOAP_OK) print("stale.code", "no fault");
    else print_fault("stale", proxy);

    ns1__GetBook missing;
    missing.id = 987654321;
    ns1__GetBookResponse nothing;
    soap->header = nullptr;
    if (proxy.GetBook(&missing, nothing) == SOAP_OK) print("missing.code", "no fault");
    else print_fault("missing", proxy);

    proxy.destroy();
    return 0;
}
