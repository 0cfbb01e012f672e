"""Tests of the Python package python/lammps_drift against the C++ tools (CTest: python_package).

Run: PYTHONPATH=python /usr/bin/python3 -m unittest -v tests/python/test_lammps_drift.py
Environment: DRIFT_SOURCE_DIR (default: two folders up), DRIFT_SAMPLE and DRIFT_COMPARE (default:
<source>/build/tools/drift-sample and drift-compare). Needs Debian's python3-torch, python3-numpy,
python3-ase and python3-yaml (tools/setup.sh): without them every test fails, none is skipped.

Each test names, in a comment, a mutation of the package that makes it fail.
"""
import math
import os
import subprocess
import sys
import tempfile
import unittest

SOURCE = os.path.abspath(os.environ.get("DRIFT_SOURCE_DIR") or os.path.join(os.path.dirname(__file__), "..", ".."))
DRIFT_SAMPLE = os.environ.get("DRIFT_SAMPLE") or os.path.join(SOURCE, "build", "tools", "drift-sample")
DRIFT_COMPARE = os.environ.get("DRIFT_COMPARE") or os.path.join(SOURCE, "build", "tools", "drift-compare")
MODEL = os.path.join(SOURCE, "potentials", "ethanol-fi-dist.pt")
REFERENCE = os.path.join(SOURCE, "potentials", "ethanol-reference-500K.xyz")
DATA = os.path.join(SOURCE, "examples", "ethanol", "ethanol.data")
FORCEFIELD = os.path.join(SOURCE, "examples", "ethanol", "forcefield.lmp")
ETHANOL = ["C", "C", "O", "H", "H", "H", "H", "H", "H"]

_MISSING = []
for _name, _package in (("numpy", "python3-numpy"), ("yaml", "python3-yaml"), ("torch", "python3-torch"),
                        ("ase", "python3-ase")):
    try:
        __import__(_name)
    except ImportError as _e:
        _MISSING.append("%s (Debian package %s: %s)" % (_name, _package, _e))

if not _MISSING:
    import numpy as np
    import torch
    import ase
    import ase.io

    if os.path.join(SOURCE, "python") not in sys.path:
        sys.path.insert(0, os.path.join(SOURCE, "python"))
    import lammps_drift as ld


def setUpModule():
    # Missing dependencies fail the whole module (an error, never a skip).
    if _MISSING:
        raise AssertionError("lammps_drift's tests need %s for %s; run tools/setup.sh (as root or with sudo), and run "
                             "the tests with Debian's /usr/bin/python3 (a pyenv or venv python3 does not see Debian's "
                             "packages)" % ("; ".join(_MISSING), sys.executable))
    torch.set_num_threads(1)


def read_xyz_positions(path):
    """Our own extxyz reader (drift-sample's format: species x y z per atom line)."""
    frames, species = [], None
    with open(path) as f:
        lines = f.read().splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        n = int(lines[i])
        rows = [lines[i + 2 + a].split() for a in range(n)]
        species = [r[0] for r in rows]
        frames.append([[float(v) for v in r[1:4]] for r in rows])
        i += 2 + n
    return np.array(frames), species


def fake_model(path, manifest_text, n_atoms=9, extra=True):
    """A TorchScript model returning atom a at (a, 2a, 3a) * 0.1 for every noise row, saved with
    manifest_text as manifest.yaml (extra=False: no manifest at all)."""

    class Fixed(torch.nn.Module):
        def __init__(self, n):
            super().__init__()
            x = 0.1 * torch.arange(n, dtype=torch.float32).unsqueeze(1) * torch.tensor([[1.0, 2.0, 3.0]])
            self.register_buffer("x", x)

        def forward(self, z):
            return self.x.unsqueeze(0).expand(z.shape[0], -1, -1).contiguous()

    module = torch.jit.script(Fixed(n_atoms))
    torch.jit.save(module, path, _extra_files={"manifest.yaml": manifest_text} if extra else {})
    return path


class LammpsDriftTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="lammps-drift-python-")
        cls.g = ld.load(MODEL)
        # drift-sample's 50 conformations of seed 7 (the C++ noise and forward pass).
        cls.cpp_xyz = os.path.join(cls.tmp.name, "drift-sample.xyz")
        run = subprocess.run([DRIFT_SAMPLE, "-d", DATA, "-n", "50", "--seed", "7", "--threads", "1", "-o", cls.cpp_xyz,
                              MODEL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise AssertionError("drift-sample (%s) failed: %s" % (DRIFT_SAMPLE, run.stderr))
        cls.manifest_text = cls.g.manifest_text

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    # Mutations that fail it: elements read from another key, temperature left as the YAML int
    # (500, not 500.0), bonds left 1-based (tried: fails), a wrong key for any field.
    def test_manifest_fields_read_back(self):
        g = self.g
        self.assertEqual(g.n_atoms, 9)
        self.assertEqual(g.elements, ETHANOL)
        self.assertEqual(g.temperature, 500.0)
        self.assertIsInstance(g.temperature, float)
        self.assertEqual(g.noise_dim, 32)
        self.assertEqual(g.units, "real")
        self.assertEqual(g.angstrom_per_unit, 1.0)
        self.assertEqual(g.types, [1, 2, 3, 4, 4, 4, 4, 4, 5])
        self.assertEqual((g.method, g.feature_space), ("fi", "dist"))
        self.assertEqual(g.bonds[0], (0, 1))
        self.assertEqual(g.manifest["kind"], "drift-generator")
        self.assertEqual(len(g.manifest["stein_metric"]["structure"]), 27)
        self.assertIn("n_atoms: 9", g.manifest_text)

    # Mutations that fail it: load() without the file-existence check (tried: fails), a
    # ModelFileError without the path, catching only RuntimeError from torch.jit.load.
    def test_missing_and_non_model_files_are_named(self):
        missing = os.path.join(self.tmp.name, "no-such-model.pt")
        with self.assertRaises(FileNotFoundError) as c:
            ld.load(missing)
        self.assertIn(missing, str(c.exception))
        for not_a_model in (DATA, REFERENCE):
            with self.assertRaises(ld.ModelFileError) as c:
                ld.load(not_a_model)
            self.assertIn(not_a_model, str(c.exception))
            self.assertIn("not a TorchScript model file", str(c.exception))

    # Mutations that fail it: parse_manifest without the empty-text check ('not a YAML map'
    # instead; tried: fails), without the schema version check (tried: fails) or the temperature
    # check, or with PyYAML's default resolvers (yaml.safe_load: element No reads False, 5e+02 a
    # string; tried: fails).
    def test_manifest_errors_like_the_cpp_reader(self):
        bare = fake_model(os.path.join(self.tmp.name, "bare.pt"), "", extra=False)
        with self.assertRaises(ld.ManifestError) as c:
            ld.load(bare)
        self.assertIn(bare, str(c.exception))
        self.assertIn("no manifest.yaml inside the model file", str(c.exception))
        cases = [("schema_version: 1", "schema_version: 2", "manifest schema version 2 is not supported"),
                 ("temperature: 500", "temperature: -1", "manifest temperature must be positive"),
                 ("units: real", "units: lj", "manifest units: units lj have no length scale"),
                 ("noise_dim: 32", "noise_dim: 32.5", "manifest key 'noise_dim' is not a positive integer"),
                 ("kind: drift-generator", "kind: other", "manifest kind is 'other'"),
                 ("feature_space: dist\n", "", "manifest has no 'feature_space'")]
        for old, new, message in cases:
            self.assertIn(old, self.manifest_text)
            path = fake_model(os.path.join(self.tmp.name, "bad.pt"), self.manifest_text.replace(old, new, 1))
            with self.assertRaises(ld.ManifestError, msg=new) as c:
                ld.load(path)
            self.assertTrue(str(c.exception).startswith(path + ": "), str(c.exception))
            self.assertIn(message, str(c.exception))
        # YAML as yaml-cpp reads it: nobelium stays 'No', 5e+02 is a number.
        text = self.manifest_text.replace("elements: [C, C, O, H, H, H, H, H, H]", "elements: [No, C, O, H, H, H, H, H, H]")
        text = text.replace("temperature: 500", "temperature: 5e+02")
        g = ld.load(fake_model(os.path.join(self.tmp.name, "nobelium.pt"), text))
        self.assertEqual(g.elements[0], "No")
        self.assertEqual(g.temperature, 500.0)

    # Mutations that fail it: any change to splitmix64's constants or shifts, counter_normal using
    # uniforms 2c and 2c + 1 for component c (the unpaired scheme; tried: fails), sin and cos
    # swapped within a pair, the seed ignored. Not caught, and cannot be: numpy's vectorised
    # log/cos instead of the C library's differ in the last bit of float64 but gave the same float32
    # noise on 640,000 of 640,000 values.
    def test_noise_equals_cpp_fill_normal_rows(self):
        # float32 values of drift::fill_normal_rows (src/drift/counter_rng.hpp compiled with g++ -O3).
        expected = np.array([[2.1338846683502197, -0.75509434938430786, 1.4514005184173584, -0.38538748025894165],
                             [-0.23687303066253662, -1.561758279800415, -1.4481573104858398, -0.58561700582504272]],
                            dtype=np.float32)
        z = self.g.noise(2, 7)
        self.assertEqual(z.dtype, np.float32)
        self.assertEqual(z.shape, (2, 32))
        np.testing.assert_array_equal(z[:, :4], expected)
        wrapped = ld.fill_normal_rows(2**64 - 1, 1000, 1, 3)
        np.testing.assert_array_equal(wrapped, np.array([[-1.4400172233581543, -0.22224012017250061, 0.81477725505828857]],
                                                        dtype=np.float32))
        np.testing.assert_array_equal(self.g.noise(3, 7, first=2), self.g.noise(4, 7)[1:])

    # Mutations that fail it: noise rows starting at item 0 (first + row - 1; tried: fails),
    # sample() drawing noise of the wrong seed, a missing model call (noise returned), float32 output.
    def test_samples_equal_drift_sample(self):
        cpp, species = read_xyz_positions(self.cpp_xyz)
        x = self.g.sample(50, seed=7)
        self.assertEqual(x.dtype, np.float64)
        self.assertEqual(x.shape, (50, 9, 3))
        self.assertEqual(species, ETHANOL)
        # The model centres every conformation over its atoms; compare after the same centring.
        centre = lambda a: a - a.mean(axis=1, keepdims=True)
        diff = np.abs(centre(x) - centre(cpp)).max()
        raw = np.abs(x - cpp).max()
        sys.stderr.write("\n  max |package - drift-sample| = %.3g A (centred), %.3g A (raw), 50 x 9 atoms\n" % (diff, raw))
        self.assertLess(diff, 1e-5)
        self.assertLess(raw, 1e-5)
        self.assertGreater(np.abs(self.g.sample(50, seed=8) - cpp).max(), 0.1)

    # Mutations that fail it: atoms() without the unit conversion (the nano model's positions are
    # 10x; tried: fails), symbols from types, a calculator attached, positions of another seed.
    def test_atoms_equal_ase_reading_of_drift_sample(self):
        frames = ase.io.read(self.cpp_xyz, index=":")
        mine = self.g.atoms(50, seed=7)
        self.assertEqual(len(mine), 50)
        self.assertEqual(len(frames), 50)
        for a, b in zip(mine, frames):
            self.assertIsInstance(a, ase.Atoms)
            self.assertEqual(a.get_chemical_symbols(), ETHANOL)
            self.assertEqual(b.get_chemical_symbols(), ETHANOL)
            self.assertIsNone(a.calc)
            self.assertFalse(a.pbc.any())
            self.assertLess(np.abs(a.positions - b.positions).max(), 1e-5)
        np.testing.assert_allclose(np.array([a.positions for a in mine]), self.g.sample(50, seed=7), rtol=0, atol=0)
        # A model in LAMMPS nano units (1 nm = 10 A): atoms() converts, sample() does not.
        nano_text = self.manifest_text.replace("units: real", "units: nano")
        nano = ld.load(fake_model(os.path.join(self.tmp.name, "nano.pt"), nano_text))
        self.assertEqual(nano.angstrom_per_unit, 10.0)
        expected = 0.1 * np.arange(9)[:, None] * np.array([1.0, 2.0, 3.0])
        np.testing.assert_allclose(nano.sample(2)[1], expected, rtol=1e-6)
        np.testing.assert_allclose(nano.atoms(2)[1].positions, 10 * expected, rtol=1e-6)

    # Mutations that fail it: arrays written without their element symbols (tried: X for every
    # atom, drift-compare refuses the file) or in another layout, options passed with '_' instead of
    # '-' (tried: fails), list options passed as one word, labels dropped, another metrics.json.
    def test_compare_numpy_samples_with_reference(self):
        x = self.g.sample(500, seed=11)
        m = ld.compare(DATA, REFERENCE, x, labels=["fi-dist"], drift_compare=DRIFT_COMPARE, tolerances=[0.05, 0.3],
                       torsion_bins=24)
        self.assertEqual(len(m["comparisons"]), 1)
        c = m["comparisons"][0]
        self.assertEqual(c["label"], "fi-dist")
        self.assertEqual(c["samples"], 500)
        self.assertTrue(math.isfinite(c["hr_tvd"]))
        self.assertGreater(c["hr_tvd"], 0)
        self.assertLess(c["hr_tvd"], 0.3)
        self.assertEqual(m["reference"]["samples"], 1000)
        self.assertEqual(m["settings"]["validity_tolerances_angstrom"], [0.05, 0.3])
        self.assertEqual(m["settings"]["torsion_bins"], 24)
        sys.stderr.write("\n  compare: hr_tvd %.4g, bond MAE %.4g A, samples %d\n"
                         % (c["hr_tvd"], c["bond_mae_angstrom"], c["samples"]))
        # Two ensembles, a file and an array, default labels.
        m2 = ld.compare(DATA, REFERENCE, [self.cpp_xyz, x[:100]], drift_compare=DRIFT_COMPARE)
        self.assertEqual([c["label"] for c in m2["comparisons"]], ["drift-sample.xyz", "sample-2"])
        self.assertEqual([c["samples"] for c in m2["comparisons"]], [50, 100])

    # Mutations that fail it: compare() ignoring drift-compare's exit status (tried: fails), or an
    # error without its stderr.
    def test_compare_failure_carries_stderr(self):
        butane = os.path.join(SOURCE, "examples", "butane", "butane.data")
        with self.assertRaises(ld.DriftCompareError) as c:
            ld.compare(butane, REFERENCE, self.cpp_xyz, drift_compare=DRIFT_COMPARE)
        self.assertIn("drift-compare failed", str(c.exception))
        self.assertIn("wrong atom count", str(c.exception))
        with self.assertRaises(ld.DriftCompareError) as c:
            ld.compare(DATA, REFERENCE, self.cpp_xyz, drift_compare=os.path.join(self.tmp.name, "no-drift-compare"))
        self.assertIn("drift-compare not found", str(c.exception))

    # Sample files with LAMMPS energies and forces (drift-sample --forcefield) as ASE reads them.
    # Mutations that fail it: the C++ writer putting kcal/mol under ASE's energy= / forces keys (ASE
    # then attaches a calculator that reports them as eV: the first assertion), read_samples without
    # the kcal/mol -> eV factor, with the factor inverted, or converting positions; a legacy file
    # (energy= in kcal/mol, no lammps_units) accepted by read_samples.
    def test_ase_reads_energies_and_forces_with_their_units(self):
        path = os.path.join(self.tmp.name, "labelled.xyz")
        run = subprocess.run([DRIFT_SAMPLE, "-d", DATA, "-n", "5", "--seed", "3", "--threads", "1", "--forcefield",
                              FORCEFIELD, "-o", path, MODEL], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.assertEqual(run.returncode, 0, run.stderr)
        # The numbers as written (kcal/mol, kcal/mol/A), parsed by hand.
        with open(path) as f:
            lines = f.read().splitlines()
        header = lines[1]
        self.assertIn("lammps_units=real", header)
        kcal = float(header.split("lammps_energy=")[1].split()[0])
        forces_kcal = np.array([[float(v) for v in lines[2 + a].split()[4:7]] for a in range(9)])
        self.assertGreater(np.abs(forces_kcal).max(), 1.0)
        plain = ase.io.read(path, index=0)
        self.assertIsNone(plain.calc)  # nothing taken as eV
        self.assertEqual(plain.info["lammps_energy"], kcal)
        np.testing.assert_array_equal(plain.arrays["lammps_forces"], forces_kcal)
        frames = ld.read_samples(path)
        self.assertEqual(len(frames), 5)
        ev = 0.0433641043  # eV per kcal/mol (ASE: 0.04336410390; CODATA-based constants differ in the 9th digit)
        self.assertAlmostEqual(frames[0].get_potential_energy(), kcal * ev, delta=1e-7 * max(1.0, abs(kcal)))
        np.testing.assert_allclose(frames[0].get_forces(), forces_kcal * ev, rtol=1e-7, atol=1e-12)
        np.testing.assert_array_equal(frames[0].get_positions(), plain.get_positions())
        self.assertEqual(ld.read_samples(path, index=0).get_chemical_symbols(), ETHANOL)
        legacy = os.path.join(self.tmp.name, "legacy.xyz")
        with open(legacy, "w") as f:
            f.write("\n".join(lines[:11]).replace("lammps_energy=", "energy=").replace(" lammps_units=real", "")
                    .replace("lammps_forces", "forces") + "\n")
        with self.assertRaises(ValueError) as c:
            ld.read_samples(legacy)
        self.assertIn("without lammps_units", str(c.exception))
        self.assertIn("legacy.xyz, frame 1", str(c.exception))


if __name__ == "__main__":
    unittest.main(verbosity=2)
