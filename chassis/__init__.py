"""The one library the services share (see docs/contributing.md)."""
import sys as _sys

# structlog pretty-prints tracebacks with rich when rich is installed (the dev tools bring it); every
# process of the platform logs JSON lines and never uses it, and rich with pygments costs each process
# about 4 MiB. Import structlog first with rich hidden, then let anything else import rich as usual.
if "structlog" not in _sys.modules and "rich" not in _sys.modules:
    _sys.modules["rich"] = None  # an import of rich raises ImportError while this entry stands
    try:
        import structlog as _structlog  # noqa: F401
    finally:
        del _sys.modules["rich"]
