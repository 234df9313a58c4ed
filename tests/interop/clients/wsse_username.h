// WS-Security UsernameToken for the gSOAP client, #imported after wsdl2h's header: the part of
// gSOAP's import/wsse.h the catalog needs, without its SAML imports (which need the custom
// struct timeval dateTime serialiser) or the wsse plugin (which needs OpenSSL).

//gsoap wsse schema namespace: http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd
//gsoap wsse schema elementForm: qualified
//gsoap wsse schema attributeForm: unqualified

typedef struct _wsse__Password {
    char *__item;
    @char *Type;
} _wsse__Password;

typedef struct _wsse__UsernameToken {
    char *Username;
    struct _wsse__Password *Password;
} _wsse__UsernameToken;

typedef struct _wsse__Security {
    struct _wsse__UsernameToken *UsernameToken;
} _wsse__Security;

struct SOAP_ENV__Header {
    mustUnderstand _wsse__Security *wsse__Security;
};
