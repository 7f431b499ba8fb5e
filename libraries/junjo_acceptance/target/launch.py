"""``python launch.py <module> <args>``: run ``python -m <module> <args>`` in this process, after asking Linux to
send it SIGTERM when the process that started it dies (even by kill -9), so a target never outlives the suite.

The child does this itself, first thing, instead of a ``preexec_fn`` in the parent: a ``preexec_fn`` makes
``subprocess`` fork() instead of vfork(), and a fork() while gRPC channels are busy now and then crashes the child
before it can exec (gRPC's fork handlers meet the descriptors ``close_fds`` just closed, grpc/grpc#43055).
"""

import ctypes
import runpy
import signal
import sys

PR_SET_PDEATHSIG = 1

if __name__ == "__main__":
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass
    del sys.path[0]  # this folder holds the suite's libraries, not the target's modules
    del sys.argv[0]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
