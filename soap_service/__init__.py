"""The Spyne SOAP 1.1 / 1.2 service over the same catalog, as its own Django project.

Importing any module of this package first makes Spyne importable on this Python (see
``spyne_compat``): that is why the SOAP service's modules may import ``spyne`` directly.
"""

from soap_service import spyne_compat

spyne_compat.apply()
