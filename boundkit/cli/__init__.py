"""Command line of ``python -m boundkit``: the argument parser (:mod:`~boundkit.cli.main`,
:mod:`~boundkit.cli.arguments`) and one module per subcommand.  The only layer that parses
arguments or prints; it may import every package below it, and no package imports it."""
