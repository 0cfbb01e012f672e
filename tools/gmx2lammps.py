#!/usr/bin/env python3
"""gmx2lammps: a GROMACS run input (.tpr) -> LAMMPS data file + force-field include, units real.

Reads the fully resolved topology that `gmx dump -s run.tpr` prints (every interaction with its own
parameters, after #include, #define, wildcard and multiple-dihedral lookup), so any molecule that
pdb2gmx or a .top describes converts the same way. Supported GROMACS function types and the LAMMPS
styles they become (docs: examples/alanine-dipeptide/README.md):

  BONDS (harmonic, 1)       -> bond_style harmonic      K = kb / 2, r0 = b0
  ANGLES (harmonic, 1)      -> angle_style harmonic     K = ktheta / 2, theta0
  UREY_BRADLEY (5)          -> angle_style charmm       K = ktheta / 2, theta0, K_ub = kub / 2, r_ub
  PDIHS (periodic, 1 and 9) -> dihedral_style charmm    one LAMMPS dihedral per cosine term, K, n, d, weight 0
  RBDIHS (Ryckaert-Bellemans, 3) -> dihedral_style multi/harmonic (psi = phi - 180: A_n = (-1)^n C_n)
  PIDIHS (periodic improper, 4) -> improper_style cvff  K, d = cos(phase) (phase 0 or 180), n
  LJ_SR (c6, c12 per type pair) -> pair_style lj/cut/coul/cut, PairIJ Coeffs eps = c6^2 / 4 c12, sigma = (c12 / c6)^(1/6)
  LJ14, fudgeQQ             -> special_bonds lj 0 0 fudgeLJ coul 0 0 fudgeQQ (checked: every 1-4 pair is a
                               third bond neighbour and carries fudgeLJ x its LJ_SR parameters)

Units: kJ/mol -> kcal/mol (/4.184), nm -> A (x10); charges in e; GROMACS' 138.935458 kJ mol^-1 nm e^-2
equals LAMMPS real's qqr2e 332.06371 kcal mol^-1 A e^-2. Anything else is refused with the line of the
dump and what was expected: no partial output is left (files are written to temporary names and
renamed when complete).

Usage: gmx2lammps.py run.tpr OUT_PREFIX [--gmx gmx] [--cutoff 20]
  writes OUT_PREFIX.data (read_data) and OUT_PREFIX-forcefield.lmp (include before read_data).
"""
import argparse
import math
import os
import re
import subprocess
import sys

KJ = 4.184    # kJ per kcal
NM = 10.0     # A per nm


class ConversionError(Exception):
    pass


def fail(where, what):
    raise ConversionError(f"{where}: {what}")


def parse_dump(text, source):
    """The parts of `gmx dump -s` output the conversion needs."""
    lines = text.splitlines()
    ff = {}         # functype index -> (name, {param: value})
    atoms = []      # (type, mass, charge, atomnumber, resind)
    names = []
    interactions = {}  # section title -> list of (type, [atoms])
    fudge_qq = None
    molblocks = 0
    section = None
    for no, line in enumerate(lines, 1):
        where = f"{source} (gmx dump) line {no}"
        s = line.strip()
        m = re.match(r"functype\[(\d+)\]=(\w+), (.*)$", s)
        if m:
            params = {}
            for kv in m.group(3).split(","):
                if "=" not in kv:
                    fail(where, f"expected name=value parameters, got '{kv.strip()}'")
                k, v = kv.split("=", 1)
                params[k.strip()] = float(v)
            ff[int(m.group(1))] = (m.group(2), params)
            continue
        m = re.match(r"fudgeQQ\s*=\s*(\S+)", s)
        if m:
            fudge_qq = float(m.group(1))
            continue
        m = re.match(r"#molblock\s*=\s*(\d+)", s)
        if m:
            molblocks = int(m.group(1))
            continue
        m = re.match(r"atom\[\s*(\d+)\]=\{type=\s*(\d+),.*?m=\s*(\S+), q=\s*(\S+),.*resind=\s*(\d+), atomnumber=\s*(-?\d+)\}", s)
        if m:
            atoms.append((int(m.group(2)), float(m.group(3).rstrip(",")), float(m.group(4).rstrip(",")),
                          int(m.group(6)), int(m.group(5))))
            continue
        m = re.match(r'atom\[(\d+)\]=\{name="([^"]*)"\}', s)
        if m:
            names.append(m.group(2))
            continue
        m = re.match(r"^([A-Za-z0-9][^:=\[]*):$", s)
        if m and line.startswith("      ") and not line.startswith("         "):
            section = m.group(1)
            continue
        m = re.match(r"\d+ type=(\d+) \((\w+)\)\s+([\d\s]+)$", s)
        if m and section is not None:
            interactions.setdefault(section, []).append((int(m.group(1)), [int(a) for a in m.group(3).split()]))
    if molblocks != 1:
        fail(source, f"expected one molecule block (one molecule kind, one copy), found {molblocks}")
    if not atoms:
        fail(source, "no atoms found: is this `gmx dump -s` output of a run input file?")
    if fudge_qq is None:
        fail(source, "no fudgeQQ found")
    return ff, atoms, names, interactions, fudge_qq


def dump_coordinates(text):
    """The run input's coordinates (nm) and its first box vector's x (nm) from `gmx dump -s` output."""
    x, box, on = [], None, False
    for line in text.splitlines():
        if re.match(r"^x \(\d+x3\):", line):
            on = True
            continue
        if on:
            m = re.match(r"\s*x\[\s*\d+\]=\{\s*(\S+),\s*(\S+),\s*(\S+)\}", line)
            if not m:
                on = False
                continue
            x.append([float(m.group(d)) for d in (1, 2, 3)])
        m = re.match(r"\s*box\[\s*0\]=\{\s*(\S+),", line)
        if m and box is None:
            box = float(m.group(1).rstrip(","))
    return x, box


def neighbours(n, bonds):
    adj = [set() for _ in range(n)]
    for i, j in bonds:
        adj[i].add(j)
        adj[j].add(i)
    return adj


def third_neighbours(n, adj):
    """1-4 pairs as LAMMPS' special list sees them: 3 bonds apart and not 1-2 or 1-3."""
    out = set()
    for i in range(n):
        first = adj[i]
        second = set().union(*(adj[j] for j in first)) - {i} - first
        third = set().union(*(adj[j] for j in second)) - {i} - first - second
        for k in third:
            out.add((min(i, k), max(i, k)))
    return out


def convert(ff, atoms, names, interactions, fudge_qq, source, cutoff):
    n = len(atoms)
    types = sorted({a[0] for a in atoms})
    ntypes_gmx = int(round(math.sqrt(sum(1 for k, (nm, _) in ff.items() if nm == "LJ_SR"))))
    lj = {}
    for k, (nm, p) in ff.items():
        if nm == "LJ_SR":
            lj[(k // ntypes_gmx, k % ntypes_gmx)] = (p["c6"], p["c12"])

    def eps_sigma(c6, c12):
        if c6 == 0 and c12 == 0:
            return 0.0, 1.0
        if c6 <= 0 or c12 <= 0:
            fail(source, f"LJ parameters c6 {c6}, c12 {c12}: only 12-6 LJ with positive c6 and c12 (or both 0) convert")
        return c6 * c6 / (4 * c12) / KJ, (c12 / c6) ** (1.0 / 6.0) * NM

    known = {"Bond", "Angle", "U-B", "Proper Dih.", "Ryckaert-Bell.", "Per. Imp. Dih.", "LJ-14", "LJ (SR)", "Coulomb (SR)"}
    for title, items in interactions.items():
        if items and title not in known:
            fail(source, f"interactions of kind '{title}' ({len(items)} of them) have no LAMMPS conversion here")

    bonds, bond_types = [], {}
    for t, (i, j) in interactions.get("Bond", []):
        nm, p = ff[t]
        if nm != "BONDS":
            fail(source, f"bond {i + 1}-{j + 1}: function {nm}, expected harmonic BONDS")
        key = (round(p["cbA"] / 2 / KJ / NM ** 2, 6), round(p["b0A"] * NM, 6))
        bonds.append((bond_types.setdefault(key, len(bond_types) + 1), i, j))
    adj = neighbours(n, [(i, j) for _, i, j in bonds])

    angles, angle_types, angle_style = [], {}, "harmonic"
    ub = {tuple(a): ff[t] for t, a in interactions.get("U-B", [])}
    if ub:
        angle_style = "charmm"
    for t, (i, j, k) in [(t, a) for t, a in interactions.get("Angle", [])] + [(t, a) for t, a in interactions.get("U-B", [])]:
        nm, p = ff[t]
        if nm == "ANGLES":
            key = (round(p["ctA"] / 2 / KJ, 6), round(p["thA"], 6)) + ((0.0, 0.0) if ub else ())
        elif nm == "UREY_BRADLEY":
            key = (round(p["kthetaA"] / 2 / KJ, 6), round(p["thetaA"], 6), round(p["kUBA"] / 2 / KJ / NM ** 2, 6),
                   round(p["r13A"] * NM, 6))
        else:
            fail(source, f"angle {i + 1}-{j + 1}-{k + 1}: function {nm}, expected ANGLES or UREY_BRADLEY")
        angles.append((angle_types.setdefault(key, len(angle_types) + 1), i, j, k))

    dihedrals, dihedral_types = [], {}
    rb = interactions.get("Ryckaert-Bell.", [])
    pd = interactions.get("Proper Dih.", [])
    if rb and pd:
        fail(source, "both periodic and Ryckaert-Bellemans dihedrals: LAMMPS would need dihedral_style hybrid, not supported")
    dihedral_style = "multi/harmonic" if rb else "charmm"
    for t, (i, j, k, l) in pd:
        nm, p = ff[t]
        if nm != "PDIHS":
            fail(source, f"dihedral {i + 1}-{j + 1}-{k + 1}-{l + 1}: function {nm}, expected PDIHS")
        phase = p["phiA"]
        if abs(phase - round(phase)) > 1e-6:
            fail(source, f"dihedral {i + 1}-{j + 1}-{k + 1}-{l + 1}: phase {phase} is not a whole degree (dihedral_style charmm)")
        key = (round(p["cpA"] / KJ, 8), int(p["mult"]), int(round(phase)), 0.0)
        dihedrals.append((dihedral_types.setdefault(key, len(dihedral_types) + 1), i, j, k, l))
    for t, (i, j, k, l) in rb:
        nm, p = ff[t]
        c = [p[f"rbcA[{m}]"] for m in range(6) if f"rbcA[{m}]" in p]
        if len(c) < 5:
            fail(source, f"dihedral {i + 1}-{j + 1}-{k + 1}-{l + 1}: Ryckaert-Bellemans coefficients not found")
        if len(c) > 5 and abs(c[5]) > 1e-12:
            fail(source, f"dihedral {i + 1}-{j + 1}-{k + 1}-{l + 1}: C5 != 0 has no multi/harmonic term")
        key = tuple(round(((-1) ** m) * c[m] / KJ, 8) for m in range(5))
        dihedrals.append((dihedral_types.setdefault(key, len(dihedral_types) + 1), i, j, k, l))

    impropers, improper_types = [], {}
    for t, (i, j, k, l) in interactions.get("Per. Imp. Dih.", []):
        nm, p = ff[t]
        phase = p["phiA"]
        if abs(phase) > 1e-6 and abs(phase - 180) > 1e-6:
            fail(source, f"improper {i + 1}-{j + 1}-{k + 1}-{l + 1}: phase {phase}: improper_style cvff takes 0 or 180")
        key = (round(p["cpA"] / KJ, 8), 1 if abs(phase) < 1e-6 else -1, int(p["mult"]))
        impropers.append((improper_types.setdefault(key, len(improper_types) + 1), i, j, k, l))

    # 1-4 pairs: LAMMPS scales every third bond neighbour by special_bonds; check that this is what
    # the topology asks for.
    pairs14 = {(min(a), max(a)): t for t, a in interactions.get("LJ-14", [])}
    third = third_neighbours(n, adj)
    if set(pairs14) != third:
        extra, missing = sorted(set(pairs14) - third), sorted(third - set(pairs14))
        fail(source, f"the 1-4 pairs are not the third bond neighbours (extra {extra[:5]}, missing {missing[:5]}): "
                     "special_bonds cannot express them")
    fudge_lj = None
    for (i, j), t in sorted(pairs14.items()):
        nm, p = ff[t]
        c6, c12 = lj[(atoms[i][0], atoms[j][0])]
        for a, b in ((p["c6A"], c6), (p["c12A"], c12)):
            if b == 0:
                if abs(a) > 1e-30:
                    fail(source, f"1-4 pair {i + 1}-{j + 1} has LJ where the pair has none")
                continue
            f = a / b
            if fudge_lj is None:
                fudge_lj = f
            elif abs(f - fudge_lj) > 1e-5 * max(1.0, fudge_lj):
                fail(source, f"1-4 pair {i + 1}-{j + 1}: LJ scaled by {f:.6f}, others by {fudge_lj:.6f}: "
                             "explicit 1-4 parameters have no special_bonds equivalent")
    if fudge_lj is None:
        fudge_lj = 0.0

    elements = {1: "H", 6: "C", 7: "N", 8: "O", 15: "P", 16: "S", 9: "F", 17: "Cl", 35: "Br", 53: "I"}
    return {
        "atoms": atoms, "names": names, "types": types, "lj": lj, "eps_sigma": eps_sigma,
        "bonds": bonds, "bond_types": bond_types, "angles": angles, "angle_types": angle_types,
        "angle_style": angle_style, "dihedrals": dihedrals, "dihedral_types": dihedral_types,
        "dihedral_style": dihedral_style, "impropers": impropers, "improper_types": improper_types,
        "fudge_lj": fudge_lj, "fudge_qq": fudge_qq, "elements": elements, "cutoff": cutoff,
    }


def write_atomically(path, text):
    tmp = path + ".tmp.gmx2lammps"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


def format_data(c, x, title):
    atoms = c["atoms"]
    type_index = {t: k + 1 for k, t in enumerate(c["types"])}
    out = [f"LAMMPS data file: {title} (gmx2lammps; units real; styles in the -forcefield.lmp include)", ""]
    counts = [(len(atoms), "atoms"), (len(c["bonds"]), "bonds"), (len(c["angles"]), "angles"),
              (len(c["dihedrals"]), "dihedrals"), (len(c["impropers"]), "impropers")]
    out += [f"{v} {k}" for v, k in counts]
    out += [f"{len(c['types'])} atom types", f"{max(1, len(c['bond_types']))} bond types",
            f"{max(1, len(c['angle_types']))} angle types", f"{max(1, len(c['dihedral_types']))} dihedral types",
            f"{max(1, len(c['improper_types']))} improper types", ""]
    # Half the cutoff and more of vacuum on every side: no atom meets a periodic image of its own
    # molecule (images share the molecule ID, so 'neigh_modify exclude molecule/inter' keeps them).
    pad = c["cutoff"] / 2 + 2
    lo = [min(p[d] for p in x) - pad for d in range(3)]
    hi = [max(p[d] for p in x) + pad for d in range(3)]
    out += [f"{lo[d]:.6f} {hi[d]:.6f} {a}lo {a}hi" for d, a in enumerate("xyz")] + [""]
    out += ["Masses", ""]
    for t in c["types"]:
        m = next(a[1] for a in atoms if a[0] == t)
        z = next(a[3] for a in atoms if a[0] == t)
        out.append(f"{type_index[t]} {m:.6f}  # {c['elements'].get(z, 'X')}")
    out += ["", "PairIJ Coeffs  # lj/cut/coul/cut: epsilon (kcal/mol) sigma (A)", ""]
    for a in c["types"]:
        for b in c["types"]:
            if type_index[b] < type_index[a]:
                continue
            eps, sig = c["eps_sigma"](*c["lj"][(a, b)])
            out.append(f"{type_index[a]} {type_index[b]} {eps:.10g} {sig:.10g}")

    def coeffs(title, table):
        lines = ["", title, ""]
        if not table:
            return lines + ["1 " + " ".join(["0"] * 2) + "  # unused"]
        for key, k in sorted(table.items(), key=lambda kv: kv[1]):
            lines.append(f"{k} " + " ".join(f"{v:.10g}" if isinstance(v, float) else str(v) for v in key))
        return lines

    out += coeffs(f"Bond Coeffs  # harmonic: K (kcal/mol/A^2) r0 (A)", c["bond_types"])
    out += coeffs(f"Angle Coeffs  # {c['angle_style']}: K (kcal/mol/rad^2) theta0 (deg)"
                  + (" K_ub r_ub" if c["angle_style"] == "charmm" else ""), c["angle_types"])
    dh = c["dihedral_types"]
    if c["dihedral_style"] == "charmm":
        title = "Dihedral Coeffs  # charmm: K (kcal/mol) n d (deg) weight (0: 1-4 pairs by special_bonds)"
        table = {(k[0], k[1], k[2], 0.0): v for k, v in dh.items()}
        lines = ["", title, ""] + [f"{v} {k[0]:.10g} {k[1]} {k[2]} 0.0" for k, v in sorted(table.items(), key=lambda kv: kv[1])]
        if not dh:
            lines = ["", title, "", "1 0.0 1 0 0.0  # unused"]
        out += lines
    else:
        out += coeffs("Dihedral Coeffs  # multi/harmonic: A1..A5 (kcal/mol)", dh)
    if c["improper_types"]:
        out += ["", "Improper Coeffs  # cvff: K (kcal/mol) d n", ""]
        out += [f"{v} {k[0]:.10g} {k[1]} {k[2]}" for k, v in sorted(c["improper_types"].items(), key=lambda kv: kv[1])]
    out += ["", "Atoms  # full", ""]
    for i, a in enumerate(atoms):
        name = c["names"][i] if i < len(c["names"]) else ""
        out.append(f"{i + 1} 1 {type_index[a[0]]} {a[2]:.6f} {x[i][0]:.6f} {x[i][1]:.6f} {x[i][2]:.6f}  # {name}")

    def section(title, rows):
        if not rows:
            return []
        return ["", title, ""] + [f"{k + 1} {r[0]} " + " ".join(str(v + 1) for v in r[1:]) for k, r in enumerate(rows)]

    out += section("Bonds", c["bonds"]) + section("Angles", c["angles"]) + section("Dihedrals", c["dihedrals"])
    out += section("Impropers", c["impropers"])
    return "\n".join(out) + "\n"


def format_forcefield(c, title):
    imp = "cvff" if c["improper_types"] else "zero"
    return "\n".join([
        f"# {title}: force-field styles written by gmx2lammps (include before read_data). The coefficients",
        "# are in the data file. 1-4 pairs: LJ and Coulomb scaled by special_bonds as the topology's fudge",
        "# factors; every other intramolecular pair within nrexcl = 3 bonds is excluded.",
        "units           real",
        "atom_style      full",
        "bond_style      harmonic",
        f"angle_style     {c['angle_style']}",
        f"dihedral_style  {c['dihedral_style']}",
        f"improper_style  {imp}",
        f"pair_style      lj/cut/coul/cut {c['cutoff']:g}",
        f"special_bonds   lj 0.0 0.0 {c['fudge_lj']:.6g} coul 0.0 0.0 {c['fudge_qq']:.6g}",
        "",
    ])


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tpr", help="GROMACS run input file (gmx grompp -o)")
    ap.add_argument("out", help="output prefix: OUT.data and OUT-forcefield.lmp")
    ap.add_argument("--gmx", default="gmx", help="GROMACS executable (default gmx)")
    ap.add_argument("--cutoff", type=float, default=20.0,
                    help="LJ and Coulomb cutoff in A (default 20: every pair of a small molecule in vacuum)")
    args = ap.parse_args(argv)
    try:
        if not os.path.isfile(args.tpr):
            raise ConversionError(f"{args.tpr}: file not found")
        try:
            run = subprocess.run([args.gmx, "-quiet", "dump", "-s", args.tpr], capture_output=True, text=True)
        except FileNotFoundError:
            raise ConversionError(f"'{args.gmx}' not found: install GROMACS (Debian: apt-get install gromacs) or give --gmx")
        if run.returncode != 0:
            raise ConversionError(f"{args.gmx} dump -s {args.tpr} failed: {run.stderr.strip()[-500:]}")
        ff, atoms, names, interactions, fudge_qq = parse_dump(run.stdout, args.tpr)
        c = convert(ff, atoms, names, interactions, fudge_qq, args.tpr, args.cutoff)
        x = [[c * NM for c in p] for p in dump_coordinates(run.stdout)[0]]
        if len(x) != len(atoms):
            raise ConversionError(f"{args.tpr}: {len(x)} coordinates for {len(atoms)} atoms")
        title = os.path.basename(args.tpr)
        write_atomically(args.out + ".data", format_data(c, x, title))
        write_atomically(args.out + "-forcefield.lmp", format_forcefield(c, title))
        print(f"gmx2lammps: {len(atoms)} atoms, {len(c['bonds'])} bonds, {len(c['angles'])} angles, "
              f"{len(c['dihedrals'])} dihedral terms ({c['dihedral_style']}), {len(c['impropers'])} impropers, "
              f"1-4 scaling lj {c['fudge_lj']:.4g} coul {c['fudge_qq']:.4g} -> {args.out}.data, {args.out}-forcefield.lmp")
    except ConversionError as e:
        print(f"gmx2lammps: error: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
