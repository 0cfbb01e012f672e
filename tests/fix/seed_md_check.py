"""Statistics of tests/fix/seed_md.sh (see its header for what each check means and which mutation
fails it). Reads the files examples/ethanol/in.seed-md writes with -var out PREFIX under
-partition 2x1: PREFIX.pe.P (per-molecule potential energies every 10 MD steps, fix ave/time),
PREFIX.start.P and PREFIX.end.P (positions and velocities after seeding and at the end).

Usage: seed_md_check.py <work dir> <reference extxyz> <model card yaml> <data file>
Exit status 1 with FAIL lines when a check fails; every number it decides on is printed.
"""
import re
import sys

import numpy as np

WORK, REFERENCE, CARD, DATA = sys.argv[1:5]
Z = 4.0             # standard errors allowed on top of the model's documented bias
MARGIN = 2.0        # the single-structure start must miss by this many tolerances
WINDOW = 100        # "first steps": MD steps 0..100 (50 fs), every 10 steps
MVV2E = 48.88821291 * 48.88821291   # units real: g/mol A^2/fs^2 -> kcal/mol
KB = 0.0019872067                   # kcal/mol/K
T_TARGET = 500.0
failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def card_number(key):
    text = open(CARD).read()
    m = re.search(r"^\s*%s:\s*([-0-9.eE+]+)(.*)$" % key, text, re.M)
    if not m:
        sys.exit("FAIL: %s has no %s (the tolerance comes from the model card)" % (CARD, key))
    return float(m.group(1)), m.group(2)


def reference_energies():
    text = open(REFERENCE).read()
    e = re.findall(r"(?:lammps_energy|\benergy)=([-0-9.eE+]+)", text)
    if len(e) < 500:
        sys.exit("FAIL: %s holds %d energies (expected ~1000)" % (REFERENCE, len(e)))
    return np.array([float(x) for x in e])


def read_pe(path):
    """fix ave/time vector file -> {step: energies of molecules 1..n}"""
    rows = [l.split() for l in open(path) if l.strip() and not l.startswith("#")]
    out, i = {}, 0
    while i < len(rows):
        step, n = int(rows[i][0]), int(rows[i][1])
        out[step] = np.array([float(r[1]) for r in rows[i + 1:i + 1 + n]])
        i += 1 + n
    if not out:
        sys.exit("FAIL: %s holds no energies" % path)
    return out


def read_dump(path):
    """write_dump custom id mol type x y z vx vy vz, sorted by id"""
    lines = open(path).read().splitlines()
    k = lines.index("ITEM: ATOMS id mol type x y z vx vy vz")
    a = np.array([[float(v) for v in l.split()] for l in lines[k + 1:]])
    return int(lines[lines.index("ITEM: TIMESTEP") + 1]), a[:, 1].astype(int), a[:, 2].astype(int), a[:, 3:6], a[:, 6:9]


def masses():
    lines = open(DATA).read().splitlines()
    k = [i for i, l in enumerate(lines) if l.strip() == "Masses"][0]
    out = {}
    for l in lines[k + 1:]:
        f = l.split("#")[0].split()
        if not f:
            if out:
                break
            continue
        out[int(f[0])] = float(f[1])
    return out


def w1(a, b):
    """Wasserstein-1 distance of two empirical distributions (exact: integral of |F_a - F_b|)."""
    x = np.sort(np.concatenate([a, b]))
    fa = np.searchsorted(np.sort(a), x[:-1], side="right") / len(a)
    fb = np.searchsorted(np.sort(b), x[:-1], side="right") / len(b)
    return float(np.sum(np.abs(fa - fb) * np.diff(x)))


def w1_noise(groups, rng, reps=200):
    """99th percentile of W1(resample, sample) over bootstrap resamples of the independent units
    (rows of groups: one molecule's energies; molecules are independent, a molecule's steps are not).
    A resample reweights the sorted pooled sample by how often it draws each molecule: O(n) each."""
    n_mol, n_per = groups.shape
    vals = groups.ravel()
    order = np.argsort(vals, kind="stable")
    owner = np.repeat(np.arange(n_mol), n_per)[order]
    dx = np.diff(vals[order])
    uniform = np.arange(1, len(vals)) / len(vals)
    out = []
    for _ in range(reps):
        counts = rng.multinomial(n_mol, np.full(n_mol, 1.0 / n_mol))
        cdf = np.cumsum(counts[owner])[:-1] / len(vals)
        out.append(np.sum(np.abs(cdf - uniform) * dx))
    return float(np.quantile(out, 0.99))


def corr(a, b):
    """Pearson correlation; NaN (which fails every check) when either has no spread"""
    if np.std(a) == 0 or np.std(b) == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


rng = np.random.default_rng(2026)
ref = reference_energies()
ref_mean, ref_se = ref.mean(), ref.std(ddof=1) / np.sqrt(len(ref))
ref_noise = w1_noise(ref[:, None], rng)
card_mean, card_comment = card_number("mean_energy_kcal_mol")
m = re.search(r"reference\s+([-0-9.]+)", card_comment)
if not m:
    sys.exit("FAIL: %s: mean_energy_kcal_mol has no '# reference X' comment" % CARD)
bias = abs(card_mean - float(m.group(1)))
card_w1, _ = card_number("energy_w1_kcal_mol")
print("reference: %d conformations, mean %.3f +- %.3f kcal/mol, sd %.3f; model card: mean %.2f vs %.2f "
      "(bias %.2f), energy W1 %.2f" % (len(ref), ref_mean, ref_se, ref.std(ddof=1), card_mean, float(m.group(1)),
                                         bias, card_w1))

pe = {s: [read_pe("%s/%s.pe.%d" % (WORK, s, p)) for p in (0, 1)] for s in ("seeded", "single")}


def energy_measures(start):
    """(label, value, standard error or None, tolerance) of the start's energies against the reference"""
    parts = pe[start]
    steps = [s for s in range(0, WINDOW + 1, 10)]
    for p in parts:
        missing = [s for s in steps if s not in p]
        if missing:
            sys.exit("FAIL: %s energies lack steps %s" % (start, missing[:5]))
    e0 = np.concatenate([p[0] for p in parts])                                   # step 0, all molecules
    win = np.concatenate([np.stack([p[s] for s in steps], axis=1) for p in parts])  # [molecule, step]
    out = []
    # (1) mean at step 0 (the seeded ensemble itself), pooled over both partitions, and in each alone
    for label, x in [("step 0, both partitions", e0)] + [("step 0, partition %d" % i, p[0]) for i, p in
                                                            enumerate(parts)]:
        se = x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else 0.0
        out.append(("mean PE/molecule " + label, x.mean() - ref_mean, se,
                    bias + Z * np.hypot(se, ref_se)))
    # (2) mean over the first WINDOW steps: a start in equilibrium stays there, so the ensemble at
    # every step, hence over the window, is the equilibrium one; a start out of it relaxes in the
    # window. Each molecule's average over the window, SE over molecules (they are independent,
    # one molecule's steps are not)
    xm = win.mean(axis=1)
    se = xm.std(ddof=1) / np.sqrt(len(xm))
    out.append(("mean PE/molecule over steps 0-%d" % WINDOW, xm.mean() - ref_mean, se,
                bias + Z * np.hypot(se, ref_se)))
    # (3) the distribution: W1 to the reference at step 0 and pooled over the window; tolerance =
    # the card's W1 + the 99th percentiles of both samples' own W1 noise (bootstrap over molecules)
    out.append(("W1 to the reference, step 0", w1(e0, ref), None,
                card_w1 + w1_noise(e0[:, None], rng) + ref_noise))
    out.append(("W1 to the reference, steps 0-%d pooled" % WINDOW, w1(win.ravel(), ref), None,
                card_w1 + w1_noise(win, rng) + ref_noise))
    return out


print("\n(a) seeded start against the 500 K reference (tolerance = bias + %g SE, W1: card W1 + noise)" % Z)
seeded = energy_measures("seeded")
for label, d, se, tol in seeded:
    err = "" if se is None else " +- %.3f" % se
    val = "%+.3f%s" % (d, err) if se is not None else "%.3f" % d
    check(abs(d) <= tol, "%-48s %s   tolerance %.3f" % (label, val, tol))

print("\n(b) single-structure start (data file's structure, thermal velocities), same measures: must miss "
      "by more than %g x the tolerance" % MARGIN)
for (label, d, se, tol), (_, _, _, tol_seeded) in zip(energy_measures("single"), seeded):
    val = "%+.3f" % d if se is not None else "%.3f" % d
    check(abs(d) > MARGIN * tol_seeded and abs(d) > MARGIN * tol,
          "%-48s %s   = %.1f x tolerance" % (label, val, abs(d) / max(tol, tol_seeded)))

# Thermal velocities: the temperature after seeding, per partition, within Z standard errors of
# T_TARGET (SE = T sqrt(2 / dof) for Maxwell-Boltzmann velocities).
mass = masses()
start = [read_dump("%s/seeded.start.%d" % (WORK, p)) for p in (0, 1)]
end = [read_dump("%s/seeded.end.%d" % (WORK, p)) for p in (0, 1)]
if [d[0] for d in start + end] != [0, 0, WINDOW, WINDOW]:
    sys.exit("FAIL: seeded.start/end.P are at steps %s, expected 0 and %d" % ([d[0] for d in start + end], WINDOW))
start, end = [d[1:] for d in start], [d[1:] for d in end]
print("\n(a) velocities after seeding")
for p, (mol, typ, x, v) in enumerate(start):
    dof = 3 * len(typ) - 3
    t = np.sum(np.array([mass[k] for k in typ])[:, None] * v * v) * MVV2E / (dof * KB)
    se = T_TARGET * np.sqrt(2.0 / dof)
    check(abs(t - T_TARGET) <= Z * se, "partition %d: T = %.1f K, %.1f +- %.1f from %g K" % (p, t, t - T_TARGET, se,
                                                                                             T_TARGET))

print("\n(c) the partitions' seeded configurations differ (reproducibility: seed_md.sh compares two runs)")
mol, typ, x0, v0 = start[0]
_, _, x1, v1 = start[1]
nmol = mol.max()
n_atoms = len(mol) // nmol
if not (np.array_equal(mol, start[1][0]) and len(mol) == nmol * n_atoms):
    sys.exit("FAIL: the two partitions' dumps hold different molecules")
same_pos = int(np.sum(np.all(np.abs(x0 - x1).reshape(nmol, -1) < 1e-6, axis=1)))
check(same_pos == 0, "molecules with the same positions in both partitions: %d of %d" % (same_pos, nmol))


def distances(x):
    """[molecule, pair] interatomic distances: a conformation's fingerprint, blind to rotation"""
    x = x.reshape(nmol, n_atoms, 3)
    i, j = np.triu_indices(n_atoms, 1)
    return np.linalg.norm(x[:, i] - x[:, j], axis=2)


d0, d1 = distances(x0), distances(x1)
closest = np.array([np.min(np.max(np.abs(d1 - d0[k]), axis=1)) for k in range(nmol)])
print("\n(d) independent: nothing shared between the partitions, nothing correlated")
check(closest.min() > 1e-3, "no conformation in both partitions under any molecule ID: closest pair %.2e A "
                            "(largest distance difference)" % closest.min())
lim_mol = Z / np.sqrt(nmol)
e00, e01 = pe["seeded"][0][0], pe["seeded"][1][0]
r = corr(e00, e01)
check(abs(r) <= lim_mol, "corr(PE of molecule k in partition 0, in partition 1) at step 0: %+.3f (limit %.3f)"
      % (r, lim_mol))
r = corr(e00[:-1], e00[1:])
check(abs(r) <= lim_mol, "corr(PE of molecule k, of molecule k+1) within partition 0: %+.3f (limit %.3f)" % (r, lim_mol))
lim_v = Z / np.sqrt(v0.size)
r = corr(v0.ravel(), v1.ravel())
check(abs(r) <= lim_v, "corr(velocities, partition 0 vs 1) after seeding: %+.4f (limit %.4f)" % (r, lim_v))
r = corr(end[0][3].ravel(), end[1][3].ravel())
check(abs(r) <= lim_v, "corr(velocities, partition 0 vs 1) after %d MD steps (thermostat noise): %+.4f (limit %.4f)"
      % (WINDOW, r, lim_v))

if failures:
    print("\n%d check(s) failed" % len(failures))
    sys.exit(1)
print("\nall checks passed")
