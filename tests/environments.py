"""The environments a test runs the core under: each OpenBLAS kernel this CPU can run, NumPy's and glibc's older
SIMD paths, other hash seeds. Each is an override of the test's own environment, which is otherwise inherited
(the machine's OPENBLAS_* settings included)."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    line = next((line for line in text.splitlines() if line.startswith("flags")), "")
    return set(line.partition(":")[2].split())


def environments(kernels_only: bool = False) -> dict[str, dict[str, str]]:
    """The overrides to run the example under: each OpenBLAS kernel this CPU can run, NumPy's SIMD dispatch
    cut down to older CPUs' (no AVX-512; no AVX2/FMA either), glibc's libm without its FMA variants, and
    another hash seed. Everything else is inherited from this process's environment."""
    flags = cpu_flags()
    envs = {"PYTHONHASHSEED=1": {"PYTHONHASHSEED": "1"}, "PYTHONHASHSEED=2": {"PYTHONHASHSEED": "2"}}
    if platform.machine() in ("x86_64", "AMD64"):
        kernels = ["Prescott"]
        if "avx" in flags:
            kernels.append("Sandybridge")
        if {"avx2", "fma"} <= flags:
            kernels.append("Haswell")
        if "avx512f" in flags:
            kernels.append("SkylakeX")
        envs |= {f"OPENBLAS_CORETYPE={k}": {"OPENBLAS_CORETYPE": k} for k in kernels}
        if kernels_only:
            return {name: env for name, env in envs.items() if name.startswith("OPENBLAS")}
        from numpy._core._multiarray_umath import __cpu_dispatch__

        no_512 = [f for f in __cpu_dispatch__ if f.startswith("AVX512") or f == "X86_V4"]
        no_256 = [*no_512, *(f for f in __cpu_dispatch__ if f in ("X86_V3", "AVX2", "FMA3", "F16C", "AVX"))]
        for name, off in (("no AVX-512", no_512), ("no AVX2", no_256)):
            if off:
                envs[f"NumPy {name}"] = {"NPY_DISABLE_CPU_FEATURES": " ".join(off)}
        tunables = os.environ.get("GLIBC_TUNABLES")
        hwcaps = "glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F"
        envs["glibc without FMA"] = {"GLIBC_TUNABLES": f"{tunables}:{hwcaps}" if tunables else hwcaps}
    return envs


def printed_under_each_kernel(code: str) -> tuple[str, dict[str, str]]:
    """What ``python -c code`` prints in this environment, and under each OpenBLAS kernel this CPU runs (only the
    kernel changed, the rest inherited): (here, {environment's name: what it printed})."""
    import subprocess
    import sys

    def run(env=None) -> str:
        return subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout

    return run(), {name: run({**os.environ, **override}) for name, override in environments(kernels_only=True).items()}
