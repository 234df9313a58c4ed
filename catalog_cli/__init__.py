"""The `catalog` command (one module per subcommand group) and the process orchestration the
benchmarks and the tests start real servers with (stack.py)."""
