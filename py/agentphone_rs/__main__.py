"""The ``agentphone`` command (installed as a console script; also ``python -m agentphone_rs``):
every operation, ``sandbox``, ``demo``, ``calls watch`` and ``mcp``, run by the same Rust code as
the native binary."""

from __future__ import annotations

import signal
import sys

from . import _native


def main() -> int:
    # Ctrl-C ends the command as it ends the native binary; Python's handler would only run after
    # the command returned.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    return _native.cli_main(["agentphone", *sys.argv[1:]])


if __name__ == "__main__":
    sys.exit(main())
