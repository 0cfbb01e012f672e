#!/usr/bin/env python3
"""Checks of tests/fix/mixture.sh (two molecule kinds, two fix drift/boltzmann, one box).

Standard library only. Every check prints what it measured and exits 1 with 'FAIL: ...' when a
bound is not met; a missing or malformed input is a failure too, never a skip.

  samples KIND XYZ DATA FRAMES          the samples file holds FRAMES frames of KIND only (atom
                                        count and element sequence of DATA), every one an intact
                                        molecule, nearly all valid
  thermo LOG BATCHES KIND=XYZ:N ...     the thermo columns f_KIND[1..4] of every step of LOG agree
                                        with KIND's own samples file (N molecules)
  rerun-dump XYZ DATA OUT               the samples as a LAMMPS dump of DATA's one molecule
  energies XYZ LOG                      every sample's lammps_energy equals the energy LAMMPS gives
                                        it alone in its own force field (the rerun's thermo in LOG)
  moved BEFORE AFTER MOVED STILL [XYZ]  atoms of types MOVED (comma list) all moved, atoms of types
                                        STILL kept every bit; with XYZ, the moved atoms end where
                                        XYZ's last batch put them
"""
import math
import re
import sys

# Elements by mass, as the data files give them (OPLS-AA: C 12.011, O 15.999, H 1.008).
MASS_ELEMENTS = {"H": 1.008, "C": 12.011, "O": 15.999}
# Every sample must be an intact molecule: each bond within INTACT_TOL of the force field's r0. A
# molecule torn across a periodic boundary is off by tens of A, atoms of the wrong element are
# refused by the fix itself. Not tighter: a 500 K Boltzmann sample stretches a bond by ~0.04 A (one
# standard deviation), but the butane demonstration model's worst bond in 10,000 samples (in.sample,
# seed 2026) is 0.78 A off, 17 of them beyond 0.4 A; the ethanol recipe's worst is below 0.2 A.
INTACT_TOL = 1.0
# Valid as the fix and drift-compare count it (valid@0.2): every bond within 0.2 A of r0 and no
# non-bonded pair closer than 0.75 A (the fix's valid_tol and clash defaults). The shipped
# generators' cards: ethanol recipe 1.000, butane demonstration model 0.990; at least MIN_VALID of
# each file's samples must be valid.
BOND_TOL = 0.2
CLASH = 0.75
MIN_VALID = 0.95
MEAN_BOND_TOL = 0.03  # A: mean length of each bond type against r0 (thermal shift at 500 K ~0.005)


def fail(message):
    print("FAIL: " + message)
    sys.exit(1)


def read_lines(path, what):
    """The lines of a file the check needs, or a failure naming it."""
    try:
        with open(path) as f:
            return f.read().splitlines()
    except OSError as e:
        fail(f"cannot read {what} {path}: {e}")


def read_data(path):
    """Masses, atoms (in ID order: type), bonds (type, i, j; 1-based) and bond r0 of a data file."""
    lines = read_lines(path, "data file")
    sections = {}
    name = None
    for line in lines[1:]:
        text = line.split("#")[0].strip()
        if not text:
            continue
        head = text.split()[0]
        if not re.match(r"^[-+0-9.]", head):
            name = text
            sections[name] = []
        elif name is not None:
            sections[name].append(text.split())
    try:
        masses = {int(r[0]): float(r[1]) for r in sections["Masses"]}
        atoms = sorted((int(r[0]), int(r[2])) for r in sections["Atoms"])
        bonds = [(int(r[1]), int(r[2]), int(r[3])) for r in sections["Bonds"]]
        r0 = {int(r[0]): float(r[2]) for r in sections["Bond Coeffs"]}
    except (KeyError, ValueError, IndexError) as e:
        fail(f"{path}: no or malformed Masses/Atoms/Bonds/Bond Coeffs section ({e})")
    elements = []
    for _, t in atoms:
        element = min(MASS_ELEMENTS, key=lambda e: abs(MASS_ELEMENTS[e] - masses[t]))
        if abs(MASS_ELEMENTS[element] - masses[t]) > 0.01:
            fail(f"{path}: type {t} has mass {masses[t]}, which is no element of {MASS_ELEMENTS}")
        elements.append(element)
    return {"types": [t for _, t in atoms], "elements": elements, "bonds": bonds, "r0": r0,
            "masses": [masses[t] for _, t in atoms]}


def read_xyz(path):
    """Frames of an extxyz samples file: (species, positions, comment keys)."""
    lines = read_lines(path, "samples file")
    frames, k = [], 0
    while k < len(lines):
        try:
            n = int(lines[k])
        except ValueError:
            fail(f"{path} line {k + 1}: expected an atom count, got '{lines[k]}'")
        if k + 2 + n > len(lines):
            fail(f"{path} line {k + 1}: a frame of {n} atoms ends early (torn file)")
        keys = dict(re.findall(r'(\w+)=("[^"]*"|\S+)', lines[k + 1]))
        species, x = [], []
        for line in lines[k + 2:k + 2 + n]:
            w = line.split()
            species.append(w[0])
            x.append(tuple(float(v) for v in w[1:4]))
        frames.append((species, x, keys))
        k += 2 + n
    return frames


def energy_of(frame, path, index):
    try:
        e = float(frame[2]["lammps_energy"])
    except (KeyError, ValueError):
        fail(f"{path} frame {index + 1}: no numeric lammps_energy= in its comment line")
    # NaN (a fix with 'energy no') would pass every comparison below: refuse it.
    if not math.isfinite(e):
        fail(f"{path} frame {index + 1}: lammps_energy={e}: the fix computed no energy")
    return e


def dist(a, b):
    return math.sqrt(sum((a[c] - b[c]) ** 2 for c in range(3)))


def cmd_samples(kind, xyz, data_path, want_frames):
    data = read_data(data_path)
    frames = read_xyz(xyz)
    n = len(data["elements"])
    if len(frames) != int(want_frames):
        fail(f"{xyz}: {len(frames)} frames, expected {want_frames} ({kind})")
    bonded = {(min(i, j), max(i, j)) for _, i, j in data["bonds"]}
    worst, sums, counts, invalid = 0.0, {}, {}, 0
    for f, (species, x, _) in enumerate(frames):
        if len(species) != n:
            fail(f"{xyz} frame {f + 1}: {len(species)} atoms, {kind} has {n}: another molecule kind in its file")
        if species != data["elements"]:
            fail(f"{xyz} frame {f + 1}: elements {' '.join(species)}, {kind} ({data_path}) is "
                 f"{' '.join(data['elements'])}")
        valid = True
        for t, i, j in data["bonds"]:
            r = dist(x[i - 1], x[j - 1])
            off = abs(r - data["r0"][t])
            worst = max(worst, off)
            if off > INTACT_TOL:
                fail(f"{xyz} frame {f + 1}: bond {i}-{j} (type {t}) is {r:.3f} A, r0 {data['r0'][t]} A: more than "
                     f"{INTACT_TOL} A off, not an intact {kind}")
            valid = valid and off <= BOND_TOL
            sums[t] = sums.get(t, 0.0) + r
            counts[t] = counts.get(t, 0) + 1
        for i in range(n):
            for j in range(i + 1, n):
                if (i + 1, j + 1) not in bonded and dist(x[i], x[j]) < CLASH:
                    valid = False
        invalid += not valid
    fraction = 1 - invalid / len(frames)
    if fraction < MIN_VALID:
        fail(f"{xyz}: {invalid} of {len(frames)} samples invalid at {BOND_TOL} A (valid fraction {fraction:.3f} "
             f"below {MIN_VALID})")
    for t in sorted(sums):
        mean = sums[t] / counts[t]
        if abs(mean - data["r0"][t]) > MEAN_BOND_TOL:
            fail(f"{xyz}: bond type {t} has mean length {mean:.4f} A over {counts[t]} bonds, r0 "
                 f"{data['r0'][t]} A: more than {MEAN_BOND_TOL} A off")
    means = " ".join(f"{t}:{sums[t] / counts[t]:.4f}(r0 {data['r0'][t]})" for t in sorted(sums))
    print(f"ok: {kind}: {len(frames)} frames of {n} atoms ({' '.join(data['elements'])}), all intact (largest bond "
          f"offset {worst:.3f} A), valid@{BOND_TOL} {fraction:.3f}; mean bond by type {means}")


def read_thermo(log):
    """The thermo table of the (last) run in a LAMMPS log: column names, rows of floats."""
    lines = read_lines(log, "log")
    header, rows = None, []
    for line in lines:
        w = line.split()
        if w and w[0] == "Step":
            header, rows = w, []
        elif header and w and line.startswith("Loop time"):
            break
        elif header and len(w) == len(header) and re.match(r"^\d+$", w[0]):
            rows.append([float(v) for v in w])
    if not header or not rows:
        fail(f"{log}: no thermo table")
    return header, rows


def cmd_thermo(log, batches, specs):
    header, rows = read_thermo(log)
    batches = int(batches)
    if [int(r[0]) for r in rows] != list(range(batches + 1)):
        fail(f"{log}: thermo steps {[int(r[0]) for r in rows]}, expected 0..{batches}")
    means = {}
    for spec in specs:
        kind, rest = spec.split("=", 1)
        xyz, nmol = rest.rsplit(":", 1)
        nmol = int(nmol)
        cols = {}
        for c in (1, 2, 3, 4, 7):
            name = f"f_{kind}[{c}]"
            if name not in header:
                fail(f"{log}: no thermo column {name} (columns: {' '.join(header)})")
            cols[c] = header.index(name)
        frames = read_xyz(xyz)
        if len(frames) != batches * nmol:
            fail(f"{xyz}: {len(frames)} frames, expected {batches} batches x {nmol}")
        for step in range(1, batches + 1):
            row = rows[step]
            if row[cols[1]] != step or row[cols[2]] != step * nmol:
                fail(f"{log} step {step}: f_{kind}[1] {row[cols[1]]:g}, f_{kind}[2] {row[cols[2]]:g}, expected "
                     f"{step} batches and {step * nmol} samples of {nmol} molecules")
            batch = [energy_of(frames[k], xyz, k) for k in range((step - 1) * nmol, step * nmol)]
            mean = sum(batch) / nmol
            # thermo prints 8 significant digits
            if abs(row[cols[3]] - mean) > 1e-6 * max(1.0, abs(mean)):
                fail(f"{log} step {step}: f_{kind}[3] = {row[cols[3]]!r}, but the mean lammps_energy of batch "
                     f"{step} in {xyz} is {mean!r}: the column is not this fix's")
            if not (0.9 <= row[cols[4]] <= 1.0):
                fail(f"{log} step {step}: f_{kind}[4] (valid fraction) {row[cols[4]]:g} below 0.9")
            # T_conf/T is a model-quality number (a batch's worst sample moves it a lot): here only
            # that the column is this fix's and was computed for the batch (NaN before a batch).
            if not math.isfinite(row[cols[7]]):
                fail(f"{log} step {step}: f_{kind}[7] (T_conf/T) is {row[cols[7]]:g} after a batch")
        means[kind] = [rows[s][cols[3]] for s in range(1, batches + 1)]
        print(f"ok: {kind}: thermo f_{kind}[1..3] = batches, {nmol} x batches samples, the mean energy of its "
              f"own file's batch ({' '.join(f'{m:.3f}' for m in means[kind])}); f_{kind}[4] >= 0.9")
    kinds = list(means)
    for a in range(len(kinds)):
        for b in range(a + 1, len(kinds)):
            if means[kinds[a]] == means[kinds[b]]:
                fail(f"{log}: f_{kinds[a]}[3] and f_{kinds[b]}[3] are equal at every step: one fix's numbers twice")


def cmd_rerun_dump(xyz, data_path, out):
    """One dump frame per sample, the molecule centred at the origin (energies do not depend on
    where it is), atom IDs and types of its own data file, timesteps 0, 1, 2, ..."""
    data = read_data(data_path)
    frames = read_xyz(xyz)
    n = len(data["types"])
    with open(out, "w") as f:
        for k, (species, x, _) in enumerate(frames):
            if len(species) != n:
                fail(f"{xyz} frame {k + 1}: {len(species)} atoms, {data_path} has {n}")
            c = [sum(p[i] for p in x) / n for i in range(3)]
            f.write(f"ITEM: TIMESTEP\n{k}\nITEM: NUMBER OF ATOMS\n{n}\nITEM: BOX BOUNDS pp pp pp\n")
            f.write("-15 15\n-15 15\n-15 15\nITEM: ATOMS id type x y z\n")
            for j in range(n):
                f.write(f"{j + 1} {data['types'][j]} {x[j][0] - c[0]:.10f} {x[j][1] - c[1]:.10f} {x[j][2] - c[2]:.10f}\n")
    print(f"ok: {len(frames)} samples of {xyz} as {out}")


def cmd_energies(xyz, log):
    frames = read_xyz(xyz)
    header, rows = read_thermo(log)
    if "PotEng" not in header:
        fail(f"{log}: no PotEng column")
    pe = {int(r[0]): r[header.index("PotEng")] for r in rows}
    if len(pe) != len(frames):
        fail(f"{log}: the rerun has {len(pe)} frames, {xyz} {len(frames)}")
    worst = 0.0
    for k, frame in enumerate(frames):
        e = energy_of(frame, xyz, k)
        worst = max(worst, abs(e - pe[k]))
        # positions are written with 10 significant digits: ~1e-7 kcal/mol of rounding
        if abs(e - pe[k]) > 1e-4:
            fail(f"{xyz} sample {k + 1}: lammps_energy {e!r} in the mixture box, {pe[k]!r} alone in its own force "
                 f"field: the box adds or changes terms (intermolecular pairs not excluded, wrong coefficients?)")
    print(f"ok: {len(frames)} energies of {xyz} equal the molecule's own force field alone (largest difference "
          f"{worst:.2e} kcal/mol)")


def read_dump(path):
    lines = read_lines(path, "dump")
    try:
        start = next(k for k, l in enumerate(lines) if l.startswith("ITEM: ATOMS")) + 1
    except StopIteration:
        fail(f"{path}: no ITEM: ATOMS")
    atoms = {}
    for line in lines[start:]:
        w = line.split()
        atoms[int(w[0])] = (int(w[1]), int(w[2]), w[3:6])   # mol, type, text of xu yu zu
    return atoms


def cmd_moved(before_path, after_path, moved, still, xyz=None):
    before, after = read_dump(before_path), read_dump(after_path)
    moved = {int(t) for t in moved.split(",")}
    still = {int(t) for t in still.split(",") if t}   # "": no type has to stay
    if set(before) != set(after):
        fail(f"{before_path} and {after_path} hold different atoms")
    n_moved = n_still = 0
    for tag in sorted(before):
        mol, t, x0 = before[tag]
        x1 = after[tag][2]
        if t in still:
            n_still += 1
            if x0 != x1:
                fail(f"atom {tag} (molecule {mol}, type {t}) moved from {x0} to {x1}, but no fix of its group ran")
        elif t in moved:
            n_moved += 1
            if x0 == x1:
                fail(f"atom {tag} (molecule {mol}, type {t}) did not move, but its group's fix ran")
    if n_moved == 0 or (still and n_still == 0):
        fail(f"no atoms of types {sorted(moved)} ({n_moved}) or {sorted(still)} ({n_still}) in {before_path}")
    msg = f"ok: {n_moved} atoms of types {sorted(moved)} moved, {n_still} of types {sorted(still)} kept every bit"
    if xyz:
        # The group's molecules in ID order, each as its fix placed it in the last batch.
        frames = read_xyz(xyz)
        placed = [p for tag in sorted(before) if before[tag][1] in moved for p in [float(v) for v in after[tag][2]]]
        per = [v for species, x, _ in frames for p in x for v in p]
        last = per[len(per) - len(placed):]
        if len(per) < len(placed):
            fail(f"{xyz} holds fewer atoms than the group")
        worst = max(abs(a - b) for a, b in zip(placed, last))
        if worst > 1e-6:
            fail(f"the group's atoms end up to {worst:.3g} A away from where {xyz}'s last batch put them")
        msg += f"; they sit where {xyz}'s last batch put them (within {worst:.1e} A)"
    print(msg)


def main(argv):
    if len(argv) < 2:
        fail("usage: " + __doc__)
    cmd, args = argv[1], argv[2:]
    table = {"samples": (cmd_samples, 4, 4), "thermo": (cmd_thermo, 3, 99), "rerun-dump": (cmd_rerun_dump, 3, 3),
             "energies": (cmd_energies, 2, 2), "moved": (cmd_moved, 4, 5)}
    if cmd not in table:
        fail(f"unknown check '{cmd}' (known: {', '.join(table)})")
    fn, lo, hi = table[cmd]
    if not (lo <= len(args) <= hi):
        fail(f"{cmd} takes {lo} to {hi} arguments, got {len(args)}")
    if cmd == "thermo":
        fn(args[0], args[1], args[2:])
    else:
        fn(*args)


if __name__ == "__main__":
    main(sys.argv)
