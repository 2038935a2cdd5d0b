"""What the Python peers of `layerwise bench resnet` and `bench scaling-kernel` share: the serve loop that
the benchmark drives over a pipe, and the description of the process (interpreter, torch, its threads,
the BLAS library and core it loaded, peak memory) that ends the PEER-RESULT line.

The benchmark writes this file beside the peer script, whose folder Python puts first on its path.
"""
import ctypes
import os
import resource
import statistics
import sys
import time


def blas_info():
    """The BLAS library this process loaded and, for OpenBLAS, the core its kernels were chosen for."""
    paths = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            if len(parts) >= 6 and "blas" in os.path.basename(parts[5]).lower() and parts[5] not in paths:
                paths.append(parts[5])
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
            corename = lib.openblas_get_corename
        except (OSError, AttributeError):
            continue
        corename.restype = ctypes.c_char_p
        config = lib.openblas_get_config
        config.restype = ctypes.c_char_p
        return {"blas_library": os.path.realpath(path), "blas_core": corename().decode(),
                "blas_config": config().decode().strip(), "blas_threads": int(lib.openblas_get_num_threads())}
    return {"blas_library": ", ".join(os.path.realpath(p) for p in paths) or "none loaded",
            "blas_core": "not OpenBLAS (no openblas_get_corename)", "blas_config": "", "blas_threads": -1}


def vm_hwm_kib():
    """Peak resident set of this process image (VmHWM), or -1. Unlike ru_maxrss it starts afresh at exec:
    Linux carries the launching process's high-water mark across exec into ru_maxrss, so a peer started
    by a JVM reports at least the JVM's peak there."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


def serve(step, times):
    """Prints READY, then runs step(i) for every line "step" read and answers "STEP <ms> <cpu ms> <minor faults>
    <loss>" (wall-clock time; CPU time of the main thread, which with one torch thread is the step's own work
    whatever else the machine runs; minor page faults; the loss step returned), until a line "end"."""
    print("READY", flush=True)
    i = 0
    for line in sys.stdin:
        command = line.strip()
        if command == "end":
            break
        if command != "step":
            print("ERROR unknown command " + command, flush=True)
            continue
        f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        c0 = time.thread_time()
        t0 = time.perf_counter()
        loss = step(i)
        ms = (time.perf_counter() - t0) * 1e3
        cpu_ms = (time.thread_time() - c0) * 1e3
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
        times.append(ms)
        i += 1
        print("STEP %.6f %.6f %d %.9g" % (ms, cpu_ms, faults, loss), flush=True)


def describe(torch, times, **fields):
    """The PEER-RESULT object: the given fields, the step times, and this process's interpreter, torch, BLAS and memory."""
    result = {
        "python": sys.version.split()[0],
        "executable": sys.executable,
        "torch": torch.__version__,
        "torch_file": torch.__file__,
        "threads": torch.get_num_threads(),
        "cpu_capability": os.environ.get("ATEN_CPU_CAPABILITY", "default"),
        "median_ms": statistics.median(times) if times else None,
        "times_ms": times,
        "ru_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "vm_hwm_kib": vm_hwm_kib(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                                               "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")},
    }
    result.update(fields)
    result.update(blas_info())
    try:
        result["config"] = [line.strip() for line in torch.__config__.show().splitlines() if "capability" in line.lower() or "MKL-DNN" in line]
    except Exception:  # noqa: BLE001 - informational only
        result["config"] = []
    return result
