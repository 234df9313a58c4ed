"""The gateway: one module per integration concern, talking to the services over HTTP only."""
