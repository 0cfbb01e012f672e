"""The generator noise of lammps-drift, value for value: src/drift/counter_rng.hpp in numpy.

Every value is a pure function of (seed, stream, event, item, component): splitmix64 finalisers
chained over the key words, 53-bit uniforms in (0, 1), and Box-Muller normals (both of each
pair) in float64 cast to float32 (drift::fill_normal_rows). drift-sample draws conformation k (k = 1, 2, ...) from item k
of the key (seed, stream 0, event 0); fix drift/boltzmann draws the same for molecule ID k at its
first event on the first partition.
"""
import math

import numpy as np

_MASK = (1 << 64) - 1
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MUL1 = np.uint64(0xBF58476D1CE4E5B9)
_MUL2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = np.uint64(30), np.uint64(27), np.uint64(31), np.uint64(11)


def _u64(value):
    """A key word as numpy uint64 (negative Python ints wrap modulo 2^64, as a C++ cast does)."""
    if isinstance(value, np.ndarray):
        return value.astype(np.uint64)
    return np.uint64(int(value) & _MASK)


def splitmix64(z):
    """drift::splitmix64 on a uint64 scalar or array (wrapping arithmetic modulo 2^64)."""
    z = np.asarray(z, dtype=np.uint64)
    with np.errstate(over="ignore"):
        z = z + _GOLDEN
        z = (z ^ (z >> _S30)) * _MUL1
        z = (z ^ (z >> _S27)) * _MUL2
    return z ^ (z >> _S31)


def counter_hash(seed, item, component, stream=0, event=0):
    """drift::counter_hash for key (seed, stream, event); item and component broadcast."""
    h = splitmix64(_u64(seed))
    h = splitmix64(h ^ _u64(stream))
    h = splitmix64(h ^ _u64(event))
    h = splitmix64(h ^ np.asarray(item, dtype=np.uint64))
    return splitmix64(h ^ np.asarray(component, dtype=np.uint64))


def counter_uniform(seed, item, component, stream=0, event=0):
    """drift::counter_uniform: (53 random bits + 0.5) / 2^53, in (0, 1), float64."""
    bits = counter_hash(seed, item, component, stream, event) >> _S11
    return (bits.astype(np.float64) + 0.5) * (1.0 / 9007199254740992.0)


def counter_normal(seed, item, component, stream=0, event=0):
    """drift::counter_normal, float64: components 2q and 2q + 1 are the Box-Muller pair of the
    uniforms 2q and 2q + 1, sqrt(-2 log u1) times cos(2 pi u2) and sin(2 pi u2).

    log, cos and sin go through Python's math module (the C library's functions, the ones the C++
    code calls), element by element: numpy's vectorised versions may differ from them in the last bit.
    """
    component = np.asarray(component, dtype=np.uint64)
    even = component & ~np.uint64(1)
    u1 = counter_uniform(seed, item, even, stream, event)
    u2 = counter_uniform(seed, item, even + np.uint64(1), stream, event)
    odd = (component & np.uint64(1)).astype(bool)
    u1, u2, odd = np.broadcast_arrays(u1, u2, odd)
    log, cos, sin = math.log, math.cos, math.sin
    r = np.fromiter((log(u) for u in u1.ravel()), dtype=np.float64, count=u1.size).reshape(u1.shape)
    t = np.fromiter(((sin if o else cos)(6.283185307179586 * u) for u, o in zip(u2.ravel(), odd.ravel())),
                    dtype=np.float64, count=u2.size).reshape(u2.shape)
    return np.sqrt(-2.0 * r) * t


def fill_normal_rows(seed, first_item, rows, cols, stream=0, event=0):
    """drift::fill_normal_rows: float32 [rows, cols]; row r is item first_item + r, column c component c."""
    rows, cols = int(rows), int(cols)
    if rows < 0 or cols < 0:
        raise ValueError("fill_normal_rows: rows and cols must be non-negative")
    items = (np.arange(rows, dtype=np.uint64) + _u64(first_item))[:, None]
    components = np.arange(cols, dtype=np.uint64)[None, :]
    return counter_normal(seed, items, components, stream, event).astype(np.float32)
