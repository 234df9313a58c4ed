"""A client of the catalog over the wire: the exact HTTP exchanges REST v2 and SOAP 1.1 clients
make (operations.py), a byte-exact HTTP/1.1 client (wire.py) and captured exchanges (exchanges.py).

The benchmark, `catalog compare` and the gateway's /compare/ page all speak to the catalog through
it; it imports neither the services nor the benchmark harness."""
