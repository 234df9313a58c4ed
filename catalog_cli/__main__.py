"""`python -m catalog_cli`: the `catalog` command without its console script."""

from catalog_cli.main import main

main()
