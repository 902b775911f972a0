"""Keep freed memory for reuse instead of handing it back to the system at once (issue 15).

A report over 40,000 townships allocates about a hundred arrays of roughly a megabyte each. glibc's
malloc serves blocks that large with a fresh ``mmap`` and unmaps them when freed, so every report
touches every page anew: measured at 40,000 townships, page faults took 19 of the evaluation's 45 ms
and 4 of the query's 25 ms (`docs/performance.md`). Raising the mmap threshold to 32 MB and the trim
threshold to 256 MB lets freed blocks be reused; the process keeps up to 256 MB it no longer uses,
which an office PC running the dashboard can spare.

Only glibc (Linux) has ``mallopt``; elsewhere :func:`keep_freed_memory` does nothing. It is called by
the entry points (``kuomian``, the dashboard and ``bench/``), never at import, so a library user of
``metrics``/``data`` keeps the process's own settings.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 32 * 1024 * 1024  # bytes: glibc's largest allowed on 64-bit
TRIM_THRESHOLD = 256 * 1024 * 1024  # bytes kept when freed before returning memory to the system
TOP_PAD = 16 * 1024 * 1024  # bytes added to each heap extension, so growth asks the system less often


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's thresholds (once per process); True where they were set, False where the C
    library has no ``mallopt`` (macOS, Windows, musl) or refused a value."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    settings = ((M_MMAP_THRESHOLD, MMAP_THRESHOLD), (M_TRIM_THRESHOLD, TRIM_THRESHOLD), (M_TOP_PAD, TOP_PAD))
    return all(mallopt(option, value) == 1 for option, value in settings)
