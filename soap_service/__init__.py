"""The Spyne SOAP 1.1 / 1.2 service over the same catalog, as its own Django project."""
