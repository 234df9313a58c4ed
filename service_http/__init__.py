"""HTTP plumbing the WSGI services (REST, SOAP) share: request ids, the access log, /healthz."""
