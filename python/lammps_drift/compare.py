"""drift-compare from Python: numpy ensembles written as extended XYZ, metrics.json read back."""
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np


class DriftCompareError(RuntimeError):
    """drift-compare failed or could not be found; the message holds its stderr."""


def find_drift_compare(drift_compare=None):
    """The drift-compare executable: the argument, else $DRIFT_COMPARE, else drift-compare on PATH,
    else build/tools/drift-compare of the source tree this package lies in (<repo>/python/lammps_drift
    -> <repo>/build/tools/drift-compare)."""
    candidates = []
    if drift_compare:
        candidates = [("the drift_compare argument", os.fspath(drift_compare))]
    elif os.environ.get("DRIFT_COMPARE"):
        candidates = [("$DRIFT_COMPARE", os.environ["DRIFT_COMPARE"])]
    else:
        on_path = shutil.which("drift-compare")
        if on_path:
            return on_path
        repo = Path(__file__).resolve().parent.parent.parent
        candidates = [("the source tree's build folder", str(repo / "build" / "tools" / "drift-compare"))]
    where, exe = candidates[0]
    if os.path.isfile(exe) and os.access(exe, os.X_OK):
        return exe
    found = shutil.which(exe) if os.sep not in exe else None
    if found:
        return found
    raise DriftCompareError("drift-compare not found (%s: %s); pass drift_compare=..., set DRIFT_COMPARE, put it on "
                            "PATH or build the project (cmake --build build)" % (where, exe))


def _xyz_species(path):
    """The species of the first frame of an extended XYZ file, or None when it is not one."""
    try:
        with open(path) as f:
            n = int(f.readline().split()[0])
            f.readline()
            return [f.readline().split()[0] for _ in range(n)]
    except (OSError, ValueError, IndexError):
        return None


def write_extxyz(path, positions, elements):
    """Writes conformations [n, n_atoms, 3] as extended XYZ the way drift-sample does
    (write_extxyz_frame: 'Properties=species:S:1:pos:R:3 pbc="F F F"', %.10g numbers), positions only."""
    x = np.asarray(positions, dtype=np.float64)
    if x.ndim != 3 or x.shape[2] != 3 or x.shape[0] < 1:
        raise ValueError("conformations must be an array [n >= 1, n_atoms, 3], got shape %s" % (x.shape,))
    if len(elements) != x.shape[1]:
        raise ValueError("%d element symbols for %d atoms" % (len(elements), x.shape[1]))
    if not np.isfinite(x).all():
        raise ValueError("conformations contain non-finite coordinates")
    header = "%d\nProperties=species:S:1:pos:R:3 pbc=\"F F F\"\n" % x.shape[1]
    with open(path, "w") as f:
        for conf in x:
            f.write(header)
            f.writelines("%s %.10g %.10g %.10g\n" % (e, a, b, c) for e, (a, b, c) in zip(elements, conf))


def _option_args(options):
    args = []
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple)):
            args.append(flag)
            args.extend(os.fspath(v) if isinstance(v, os.PathLike) else str(v) for v in value)
        else:
            args += [flag, os.fspath(value) if isinstance(value, os.PathLike) else str(value)]
    return args


def compare(data_file, reference, samples, labels=None, drift_compare=None, elements=None, output=None, **options):
    """Runs drift-compare on a reference and one or more sample ensembles; returns metrics.json as a dict.

    data_file: the molecule's LAMMPS data file (-d). reference: a dump or extxyz file. samples: one
    ensemble or a list of them, each a file path or a numpy array [n, n_atoms, 3] (written to a
    temporary extxyz file, positions only, in the files' length unit: Angstrom for real and metal).
    labels: one per sample (default: file names; arrays: sample-K). elements: the arrays' element
    symbols (default: those of the reference's first frame when it is extxyz). output: keep
    drift-compare's folder (report.md, metrics.json) there instead of a temporary one.
    drift_compare: the executable (default: find_drift_compare()). Other keyword options are
    drift-compare flags: forcefield='ff.lmp' -> --forcefield ff.lmp, ksd_temperature=300 ->
    --ksd-temperature 300, stein_weights=True -> --stein-weights, tolerances=[0.1, 0.2] ->
    --tolerances 0.1 0.2. Always --no-plots -q (plots=True keeps the plots).

    Raises DriftCompareError with drift-compare's stderr when it fails."""
    exe = find_drift_compare(drift_compare)
    if isinstance(samples, (str, os.PathLike, np.ndarray)):
        samples = [samples]
    samples = list(samples)
    if not samples:
        raise ValueError("compare: no sample ensembles")
    if labels is not None:
        labels = [labels] if isinstance(labels, str) else [str(l) for l in labels]
        if len(labels) != len(samples):
            raise ValueError("compare: %d labels for %d sample ensembles" % (len(labels), len(samples)))
    plots = bool(options.pop("plots", False))
    with tempfile.TemporaryDirectory(prefix="lammps-drift-compare-") as tmp:
        files, default_labels = [], []
        for k, s in enumerate(samples, start=1):
            if isinstance(s, (str, os.PathLike)):
                files.append(os.fspath(s))
                default_labels.append(None)
                continue
            x = np.asarray(s)
            if elements is None:
                elements = _xyz_species(os.fspath(reference))
                if elements is None:
                    raise ValueError("compare: pass elements=[...] for numpy samples (the reference is not extxyz)")
            path = os.path.join(tmp, "sample-%d.xyz" % k)
            write_extxyz(path, x, elements)
            files.append(path)
            default_labels.append("sample-%d" % k)
        if labels is None and any(l is not None for l in default_labels):
            labels = [l if l is not None else Path(f).name for l, f in zip(default_labels, files)]
        out = os.fspath(output) if output is not None else os.path.join(tmp, "out")
        cmd = [exe, os.fspath(reference), *files, "-d", os.fspath(data_file), "-o", out, "-q"]
        if not plots:
            cmd.append("--no-plots")
        cmd += _option_args(options)
        if labels is not None:
            cmd += ["-l", *labels]
        run = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if run.returncode != 0:
            raise DriftCompareError("drift-compare failed (exit %d): %s\ncommand: %s"
                                    % (run.returncode, run.stderr.strip() or run.stdout.strip()[-2000:], " ".join(cmd)))
        try:
            with open(os.path.join(out, "metrics.json")) as f:
                return json.load(f)
        except (OSError, ValueError) as e:
            raise DriftCompareError("drift-compare wrote no readable metrics.json in %s (%s); stderr: %s"
                                    % (out, e, run.stderr.strip())) from None
