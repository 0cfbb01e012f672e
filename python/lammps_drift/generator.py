"""Drift generators from Python: a model file (TorchScript with manifest.yaml inside) loaded as
src/drift/torch/model_file.hpp's open_model_file loads it, and sampled as tools/drift_sample.cpp
samples it."""
import os

import numpy as np

from .manifest import MANIFEST_FILE, ManifestError, angstrom_per_length_unit, parse_manifest
from .rng import fill_normal_rows


class ModelFileError(ValueError):
    """A file that is not a TorchScript model file, or whose model breaks the contract."""


def _torch():
    try:
        import torch
    except ImportError as e:
        raise ImportError("lammps_drift needs PyTorch (Debian's python3-torch): run tools/setup.sh (%s)" % e) from e
    return torch


class Generator:
    """A drift generator: forward(noise [B, noise_dim]) -> positions [B, n_atoms, 3] in the
    model's length units.

    Attributes: path, module (the TorchScript module, eval mode), manifest (the YAML map as
    stored), manifest_text, n_atoms, types, masses, elements, bonds (0-based pairs), units,
    angstrom_per_unit, temperature, noise_dim, feature_space, method (name).
    """

    def __init__(self, path, module, manifest_text):
        self.path = str(path)
        self.module = module
        self.manifest_text = manifest_text
        self.manifest = parse_manifest(manifest_text, self.path)
        m = self.manifest
        self.n_atoms = int(m["n_atoms"])
        self.types = [int(t) for t in m["types"]]
        self.masses = [float(x) for x in m["masses"]]
        self.elements = [str(e) for e in m["elements"]]
        self.bonds = [(int(i) - 1, int(j) - 1) for i, j in m["bonds"]]
        self.units = str(m["units"])
        self.angstrom_per_unit = angstrom_per_length_unit(self.units)
        self.temperature = float(m["temperature"])
        self.noise_dim = int(m["noise_dim"])
        self.feature_space = str(m["feature_space"])
        self.method = str(m["method"]["name"])

    def __repr__(self):
        return "Generator(%r: %d atoms %s, %s units, %g K, noise_dim %d, %s/%s)" % (
            self.path, self.n_atoms, "".join(self.elements), self.units, self.temperature, self.noise_dim,
            self.method, self.feature_space)

    def noise(self, count, seed, first=1):
        """The noise drift-sample feeds the model: float32 [count, noise_dim], row r the normals of
        item first + r of the key (seed, stream 0, event 0) (drift::fill_normal_rows)."""
        count = int(count)
        if count < 0:
            raise ValueError("noise: count must be >= 0")
        return fill_normal_rows(seed, first, count, self.noise_dim)

    def forward(self, noise):
        """The model on a noise matrix [B, noise_dim] (numpy or torch): float64 numpy [B, n_atoms, 3],
        model length units, no gradients."""
        torch = _torch()
        z = torch.as_tensor(np.ascontiguousarray(noise, dtype=np.float32))
        if z.dim() != 2 or z.shape[1] != self.noise_dim:
            raise ValueError("%s: noise must be [B, %d], got %s" % (self.path, self.noise_dim, list(z.shape)))
        with torch.no_grad():
            x = self.module.forward(z)
        return x.to(torch.float64).numpy().copy()

    def sample(self, count, seed=0, first=1):
        """count conformations, float64 [count, n_atoms, 3] in the model's length units: one forward
        pass on noise(count, seed, first). Conformation k of drift-sample --seed S -n count is
        sample(count, seed=S)[k - 1] (drift-sample's default seed is 1)."""
        return self.forward(self.noise(count, seed, first))

    def atoms(self, count, seed=0, first=1):
        """sample(count, seed, first) as a list of ase.Atoms: symbols from the manifest's elements,
        positions in Angstrom, no cell, no periodicity, no calculator."""
        try:
            from ase import Atoms
        except ImportError as e:
            raise ImportError("Generator.atoms needs ASE (Debian's python3-ase): run tools/setup.sh (%s)" % e) from e
        x = self.sample(count, seed, first) * self.angstrom_per_unit
        return [Atoms(symbols=self.elements, positions=xi, pbc=False) for xi in x]


def load(path, check=True):
    """Loads a drift model file: the TorchScript module (CPU, eval mode) and its manifest, checked
    like the C++ reader checks them. check: also run forward(zeros [2, noise_dim]) and check it
    returns [2, n_atoms, 3], as open_model_file does.

    Raises FileNotFoundError (no such file), ModelFileError (not a TorchScript model, or a model
    that breaks the contract) or ManifestError (no manifest.yaml inside, or a bad one); every
    message starts with the path."""
    torch = _torch()
    path = os.fspath(path)
    if not os.path.isfile(path) or not os.access(path, os.R_OK):
        raise FileNotFoundError("%s: model file not found or not readable" % path)
    extra = {MANIFEST_FILE: ""}
    try:
        module = torch.jit.load(path, map_location="cpu", _extra_files=extra)
    except Exception as e:  # torch raises RuntimeError with a multi-line C++ message
        what = str(e).split("\n")[0][:160]
        raise ModelFileError("%s: not a TorchScript model file (%s)" % (path, what)) from None
    text = extra[MANIFEST_FILE]
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    module.eval()
    g = Generator(path, module, text)
    if check:
        with torch.no_grad():
            try:
                y = module.forward(torch.zeros(2, g.noise_dim))
            except Exception as e:
                raise ModelFileError("%s: forward(noise [2, %d]) failed: %s"
                                     % (path, g.noise_dim, str(e).split("\n")[0])) from None
        if not isinstance(y, torch.Tensor) or list(y.shape) != [2, g.n_atoms, 3]:
            shape = list(y.shape) if isinstance(y, torch.Tensor) else type(y).__name__
            raise ModelFileError("%s: forward returns shape %s, the manifest promises [B, %d, 3]" % (path, shape, g.n_atoms))
    return g


__all__ = ["Generator", "ModelFileError", "ManifestError", "load"]
