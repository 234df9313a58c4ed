"""HTTP plumbing the WSGI services (REST, SOAP) share: request ids, the access log, /healthz,
response compression and gzip request bodies. `codings` is Django-free: the gateway imports it
too, so negotiation and decoding follow one set of rules everywhere."""
