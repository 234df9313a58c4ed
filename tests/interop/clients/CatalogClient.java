// A small JAX-WS client, compiled against the classes wsimport generated from the served WSDL:
// reads, pages, writes with a WS-Security UsernameToken, and reads two faults' CatalogFault
// detail. One "name=value" line per observation, for tests/interop/test_jaxws.py to assert.
//
// usage: java CatalogClient <wsdl-url> <username> <password> <isbn-for-the-new-book>

import catalog.client.Book;
import catalog.client.BookInput;
import catalog.client.BookPage;
import catalog.client.CatalogFault;
import catalog.client.CatalogFault_Exception;
import catalog.client.CatalogService;
import catalog.client.CatalogService_Service;
import catalog.client.AuthorIdArray;
import catalog.client.Money;
import java.math.BigDecimal;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import javax.xml.datatype.DatatypeFactory;
import javax.xml.namespace.QName;
import javax.xml.soap.SOAPElement;
import javax.xml.soap.SOAPEnvelope;
import javax.xml.soap.SOAPException;
import javax.xml.soap.SOAPHeader;
import javax.xml.ws.BindingProvider;
import javax.xml.ws.handler.Handler;
import javax.xml.ws.handler.MessageContext;
import javax.xml.ws.handler.soap.SOAPHandler;
import javax.xml.ws.handler.soap.SOAPMessageContext;

public final class CatalogClient {
    private static final String WSSE =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
    private static final String PASSWORD_TEXT =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";

    public static void main(String[] args) throws Exception {
        CatalogService_Service service = new CatalogService_Service(new URL(args[0]));
        CatalogService reader = service.getCatalogService();
        CatalogService editor = service.getCatalogService();
        withUsernameToken(editor, args[1], args[2]);

        BookPage first = reader.listBooks(null, null, 2);
        List<Book> firstBooks = first.getBooks().getBook();
        print("page1.ids", ids(firstBooks));
        BookPage second = reader.listBooks(null, first.getNextCursor().getValue(), 2);
        print("page2.ids", ids(second.getBooks().getBook()));

        Book read = reader.getBook(firstBooks.get(0).getId());
        print("read.title", read.getTitle());
        print("read.price", read.getPrice().getAmount().toPlainString());
        print("read.published_date", read.getPublishedDate().toXMLFormat());

        BookInput input = new BookInput();
        input.setIsbn(args[3]);
        input.setTitle("Written by JAX-WS");
        AuthorIdArray authors = new AuthorIdArray();
        authors.getId().add(read.getAuthors().getAuthor().get(0).getId());
        input.setAuthorIds(authors);
        input.setPublisherId(read.getPublisher().getId());
        input.setPublishedDate(DatatypeFactory.newInstance().newXMLGregorianCalendar("2001-02-03"));
        input.setLanguage("en");
        input.setPages(123);
        Money price = new Money();
        price.setAmount(new BigDecimal("12.34"));
        input.setPrice(price);
        Book created = editor.createBook(input);
        print("created.title", created.getTitle());
        print("created.price", created.getPrice().getAmount().toPlainString());
        print("created.version", String.valueOf(created.getVersion()));

        input.setTitle("Rewritten by JAX-WS");
        Book updated = editor.updateBook(created.getId(), created.getVersion(), input);
        print("updated.version", String.valueOf(updated.getVersion()));

        try {
            editor.updateBook(created.getId(), created.getVersion(), input);
            print("stale.code", "no fault");
        } catch (CatalogFault_Exception fault) {
            printFault("stale", fault);
        }
        try {
            reader.getBook(987654321L);
            print("missing.code", "no fault");
        } catch (CatalogFault_Exception fault) {
            printFault("missing", fault);
        }
    }

    private static void printFault(String name, CatalogFault_Exception fault) {
        CatalogFault detail = fault.getFaultInfo();
        print(name + ".code", detail.getCode());
        if (detail.getCurrentVersion() != null) {
            print(name + ".current_version", detail.getCurrentVersion().getValue().toString());
        }
        print(name + ".message", fault.getMessage());
    }

    private static String ids(List<Book> books) {
        List<String> ids = new ArrayList<>();
        for (Book book : books) {
            ids.add(String.valueOf(book.getId()));
        }
        return String.join(",", ids);
    }

    private static void print(String name, String value) {
        System.out.println(name + "=" + value);
    }

    /** JAX-WS RI has no WS-Security of its own (that is Metro's WSIT): a handler adds the header. */
    private static void withUsernameToken(CatalogService port, String username, String password) {
        BindingProvider provider = (BindingProvider) port;
        List<Handler> chain = new ArrayList<>(provider.getBinding().getHandlerChain());
        chain.add(new UsernameTokenHandler(username, password));
        provider.getBinding().setHandlerChain(chain);
    }

    private static final class UsernameTokenHandler implements SOAPHandler<SOAPMessageContext> {
        private final String username;
        private final String password;

        UsernameTokenHandler(String username, String password) {
            this.username = username;
            this.password = password;
        }

        @Override
        public boolean handleMessage(SOAPMessageContext context) {
            if (!(Boolean) context.get(MessageContext.MESSAGE_OUTBOUND_PROPERTY)) {
                return true;
            }
            try {
                SOAPEnvelope envelope = context.getMessage().getSOAPPart().getEnvelope();
                SOAPHeader header = envelope.getHeader();
                if (header == null) {
                    header = envelope.addHeader();
                }
                SOAPElement security = header.addChildElement("Security", "wsse", WSSE);
                SOAPElement token = security.addChildElement("UsernameToken", "wsse");
                token.addChildElement("Username", "wsse").addTextNode(username);
                SOAPElement secret = token.addChildElement("Password", "wsse");
                secret.setAttribute("Type", PASSWORD_TEXT);
                secret.addTextNode(password);
            } catch (SOAPException exc) {
                throw new IllegalStateException(exc);
            }
            return true;
        }

        @Override
        public boolean handleFault(SOAPMessageContext context) {
            return true;
        }

        @Override
        public void close(MessageContext context) {}

        @Override
        public Set<QName> getHeaders() {
            return Collections.emptySet();
        }
    }
}
