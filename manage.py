#!/usr/bin/env python
"""Django's command line for any of the three projects; the REST service's settings by default
(it owns every table). `catalog` (catalog_cli/main.py) is the friendlier front door."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rest_service.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
