"""The catalog's published vocabulary, written once: what REST, SOAP, the gateway, mediation and
the benchmark clients must agree on.

One module per kind of fact: `errors` (every error code with its HTTP status, problem type,
title and SOAP faultcode), `namespaces`, `media_types`, `elements` (the WSDL's element orders),
`operations` (which SOAP operations only read), `ids` (the id range), `fields` (required book
fields and REST v2's names for the service's fields), `auth` (the bearer challenge) and
`generations` (how the services tell the gateway's response cache what changed). Plain
Python, no Django and nothing from the project's other packages, so any side (and any client)
can import it.
"""
