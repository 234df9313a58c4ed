"""What the three services share: environment parsing, base settings, keys, logging and the CLI."""
