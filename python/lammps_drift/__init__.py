"""lammps_drift: drift generators (one-step Boltzmann samplers written by drift-train) from Python.

    import lammps_drift as ld
    g = ld.load("potentials/ethanol-fi-dist.pt")    # TorchScript + checked manifest
    x = g.sample(1000, seed=1)                      # float64 [1000, 9, 3], drift-sample's values
    frames = g.atoms(1000, seed=1)                  # ase.Atoms, Angstrom
    m = ld.compare("examples/ethanol/ethanol.data", "potentials/ethanol-reference-500K.xyz", x)
    atoms = ld.read_samples("samples.xyz")          # energies and forces in eV, eV/A

Needs Debian's python3-numpy, python3-yaml, python3-torch (load/sample) and python3-ase (atoms):
tools/setup.sh installs them. See python/README.md.
"""
try:
    import numpy  # noqa: F401
    import yaml  # noqa: F401
except ImportError as _e:
    raise ImportError("lammps_drift needs numpy and PyYAML (Debian's python3-numpy, python3-yaml): "
                      "run tools/setup.sh (%s)" % _e) from _e

from .compare import DriftCompareError, compare, find_drift_compare, write_extxyz
from .generator import Generator, ModelFileError, load
from .manifest import ManifestError, angstrom_per_length_unit, parse_manifest
from .samples import ev_per_energy_unit, read_samples
from .rng import counter_normal, counter_uniform, fill_normal_rows, splitmix64

__all__ = ["load", "Generator", "compare", "read_samples", "ev_per_energy_unit", "find_drift_compare", "write_extxyz", "parse_manifest",
           "angstrom_per_length_unit", "fill_normal_rows", "counter_normal", "counter_uniform", "splitmix64",
           "ModelFileError", "ManifestError", "DriftCompareError"]
