"""The one failure `catalog` reports without a traceback: an `error:` line, exit status 1."""


class CliError(Exception):
    """Ends the command with one `error:` line."""
