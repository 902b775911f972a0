"""config/allocator.py: large reports reuse freed memory (issue 15)."""

import platform

import pytest

from config import allocator


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_the_entry_points_keep_freed_memory_on_glibc():
    assert allocator.keep_freed_memory() is True


def test_keeping_freed_memory_is_done_once_per_process(monkeypatch):
    allocator.keep_freed_memory.cache_clear()
    calls = []
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda name: calls.append(name) or _Refusing())
    assert allocator.keep_freed_memory() is False  # a C library that refuses a value
    assert allocator.keep_freed_memory() is False
    assert len(calls) == 1
    allocator.keep_freed_memory.cache_clear()


def test_a_c_library_without_mallopt_is_left_alone(monkeypatch):
    allocator.keep_freed_memory.cache_clear()
    monkeypatch.setattr(allocator.ctypes, "CDLL", lambda name: object())
    assert allocator.keep_freed_memory() is False
    allocator.keep_freed_memory.cache_clear()


class _Refusing:
    class mallopt:  # noqa: N801 - stands in for the C function
        argtypes = restype = None

        def __new__(cls, option, value):
            return 0
