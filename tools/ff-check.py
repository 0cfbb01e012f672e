#!/usr/bin/env python3
"""ff-check: LAMMPS against GROMACS on the same conformations, term by term (kcal/mol).

Writes N conformations (the run input's structure with every atom displaced by a Gaussian of
--sigma A, and every 10th one more strongly), evaluates them with `gmx mdrun -rerun` and with LAMMPS
(`rerun` of a dump, the gmx2lammps data file and force-field include), and compares bond, angle,
proper and improper dihedral, LJ (SR + 1-4), Coulomb (SR + 1-4) and total potential energies.
GROMACS' Verlet cut-off Coulomb is reaction-field with eps_rf = 1, which shifts every pair by
-qq/rc: a constant for a neutral molecule whose pairs all lie within rc, which the check removes
by comparing differences to the first conformation for that term (and reports the constant).
Exit 1 when any term differs by more than --tolerance.

Debian's GROMACS is built to time with the rdtscp instruction, and mdrun refuses a CPU whose CPUID does
not announce it, which happens on virtual machines that hide the flag although the instruction works.
With --gmx-shim (the build's libgmx_hardware_report_shim.so) the check then reruns mdrun with that shim
preloaded, which skips mdrun's hardware report and nothing else, and says so.

Usage: ff-check.py run.tpr lammps_prefix --lmp LMP [--gmx gmx] [--gmx-shim SO] [-n 100] [--sigma 0.08]
                   [--tolerance 1e-3]
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gmx2lammps  # noqa: E402  (the one reader of `gmx dump` output)

KJ = gmx2lammps.KJ

TERMS = ["Bond", "Angle", "Proper-Dih.", "Per.-Imp.-Dih.", "LJ-14", "Coulomb-14", "LJ-(SR)", "Coulomb-(SR)", "Potential"]


RDTSCP_REFUSAL = "compiled to use the rdtscp CPU instruction"


def run_process(cmd, **kw):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, **kw)
    except FileNotFoundError:
        sys.exit(f"ff-check: error: {cmd[0]} not found (give --lmp / --gmx as a path or a command on PATH)")


def fail(cmd, r, hint=""):
    sys.exit(f"ff-check: error: {' '.join(cmd)} failed:\n{(r.stdout + r.stderr)[-2000:]}{hint}")


def run(cmd, **kw):
    r = run_process(cmd, **kw)
    if r.returncode != 0:
        fail(cmd, r)
    return r.stdout


def run_mdrun(cmd, shim, cwd):
    """gmx mdrun, rerun once with the hardware-report shim if GROMACS refuses this CPU over rdtscp."""
    r = run_process(cmd, cwd=cwd)
    if r.returncode == 0:
        return
    if RDTSCP_REFUSAL not in r.stdout + r.stderr:
        fail(cmd, r)
    if not shim:
        fail(cmd, r, "\nff-check: this CPU does not announce rdtscp, which Debian's GROMACS requires. On a virtual "
                     "machine that hides the flag, rerun with --gmx-shim BUILD/tools/libgmx_hardware_report_shim.so; "
                     "otherwise use a GROMACS built with -DGMX_USE_RDTSCP=OFF.")
    if not os.path.isfile(shim):
        sys.exit(f"ff-check: error: --gmx-shim {shim}: no such file (build the target gmx_hardware_report_shim)")
    print("ff-check: note: gmx mdrun refused this CPU (no rdtscp flag in CPUID); rerunning it with "
          f"{os.path.basename(shim)} preloaded, which skips mdrun's hardware report only")
    env = dict(os.environ, LD_PRELOAD=os.path.abspath(shim))
    r = run_process(cmd, cwd=cwd, env=env)
    if r.returncode == 0:
        return
    if RDTSCP_REFUSAL in r.stdout + r.stderr:
        fail(cmd, r, f"\nff-check: {shim} did not replace mdrun's hardware report (a GROMACS whose "
                     "gmx_print_detected_hardware has another signature?)")
    if r.returncode in (-4, 132):  # SIGILL from the shim's probe: the CPU really lacks rdtscp
        fail(cmd, r, "\nff-check: this CPU cannot execute rdtscp: use a GROMACS built with -DGMX_USE_RDTSCP=OFF")
    fail(cmd, r)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("tpr")
    ap.add_argument("prefix", help="gmx2lammps output prefix (PREFIX.data, PREFIX-forcefield.lmp)")
    ap.add_argument("--lmp", required=True, help="LAMMPS executable (lmp_drift)")
    ap.add_argument("--gmx", default="gmx")
    ap.add_argument("--gmx-shim", help="libgmx_hardware_report_shim.so, used only if mdrun refuses the CPU over rdtscp")
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--sigma", type=float, default=0.08, help="displacement (A) of every atom")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tolerance", type=float, default=1e-3, help="kcal/mol")
    args = ap.parse_args(argv)
    # The programs run in a scratch folder: paths given relative to here must stay valid there.
    if os.sep in args.lmp:
        args.lmp = os.path.abspath(args.lmp)
    if os.sep in args.gmx:
        args.gmx = os.path.abspath(args.gmx)
    work = tempfile.mkdtemp(prefix="ff-check-")
    x0, box = gmx2lammps.dump_coordinates(run([args.gmx, "-quiet", "dump", "-s", args.tpr]))
    n = len(x0)
    rng = random.Random(args.seed)
    frames = []
    for f in range(args.n):
        s = args.sigma * (2.5 if f % 10 == 9 else 1.0) / 10.0  # nm
        # rounded to the .gro's 1e-5 nm, so that both programs read the same numbers
        frames.append([[round(c + rng.gauss(0, s), 5) for c in p] for p in x0])
    # GROMACS: a multi-frame .gro; LAMMPS: a dump of the same coordinates in A.
    with open(os.path.join(work, "confs.gro"), "w") as g, open(os.path.join(work, "confs.dump"), "w") as d:
        for f, xs in enumerate(frames):
            g.write(f"frame {f}\n{n}\n")
            for i, p in enumerate(xs):
                g.write(f"{1:5d}{'MOL':<5s}{'X':>5s}{i + 1:5d}{p[0]:8.3f}{p[1]:8.3f}{p[2]:8.3f}\n".replace(
                    f"{p[0]:8.3f}{p[1]:8.3f}{p[2]:8.3f}", f"{p[0]:10.5f}{p[1]:10.5f}{p[2]:10.5f}"))
            g.write(f"{box:10.5f}{box:10.5f}{box:10.5f}\n")
            d.write(f"ITEM: TIMESTEP\n{f}\nITEM: NUMBER OF ATOMS\n{n}\nITEM: BOX BOUNDS pp pp pp\n")
            for _ in range(3):
                d.write(f"{-50:.1f} {box * 10 + 50:.1f}\n")
            d.write("ITEM: ATOMS id x y z\n")
            for i, p in enumerate(xs):
                d.write(f"{i + 1} {p[0] * 10:.6f} {p[1] * 10:.6f} {p[2] * 10:.6f}\n")
    run_mdrun([args.gmx, "-quiet", "mdrun", "-s", os.path.abspath(args.tpr), "-rerun", "confs.gro", "-e", "rerun.edr",
               "-g", "rerun.log", "-nt", "1"], args.gmx_shim, work)
    sel = "\n".join(TERMS) + "\n"
    run([args.gmx, "-quiet", "energy", "-f", "rerun.edr", "-o", "terms.xvg"], cwd=work, input=sel)
    gmx_rows = []
    with open(os.path.join(work, "terms.xvg")) as f:
        for line in f:
            if line[0] in "#@":
                continue
            v = [float(t) / KJ for t in line.split()[1:]]
            gmx_rows.append(dict(zip(TERMS, v)))
    if len(gmx_rows) != args.n:
        sys.exit(f"ff-check: error: gmx energy gave {len(gmx_rows)} frames, expected {args.n}")
    prefix = os.path.abspath(args.prefix)
    with open(os.path.join(work, "in.rerun"), "w") as f:
        f.write(f"include {prefix}-forcefield.lmp\nread_data {prefix}.data\n"
                "thermo_style custom step ebond eangle edihed eimp evdwl ecoul pe\nthermo_modify norm no format float %.10f\nthermo 1\n"
                "rerun confs.dump dump x y z box no\n")
    out = run([args.lmp, "-in", "in.rerun", "-log", "none", "-nocite"], cwd=work)
    lmp_rows = []
    on = False
    for line in out.splitlines():
        w = line.split()
        if w[:1] == ["Step"]:
            on = True
            continue
        if on and len(w) == 8 and re.match(r"^-?\d+$", w[0]):
            lmp_rows.append([float(t) for t in w[1:]])
        elif on and w[:1] == ["Loop"]:
            on = False
    if len(lmp_rows) != args.n:
        sys.exit(f"ff-check: error: LAMMPS gave {len(lmp_rows)} frames, expected {args.n}")
    pairs = [("bond", lambda g: g["Bond"], 0), ("angle", lambda g: g["Angle"], 1),
             ("proper dihedral", lambda g: g["Proper-Dih."], 2), ("improper", lambda g: g["Per.-Imp.-Dih."], 3),
             ("LJ (SR + 1-4)", lambda g: g["LJ-(SR)"] + g["LJ-14"], 4),
             ("Coulomb (SR + 1-4)", lambda g: g["Coulomb-(SR)"] + g["Coulomb-14"], 5), ("total", lambda g: g["Potential"], 6)]
    worst = 0.0
    print(f"ff-check: {args.n} conformations of {n} atoms (displacements {args.sigma} A, every 10th x2.5); "
          f"GROMACS vs LAMMPS, kcal/mol")
    print("| term | GROMACS range | constant offset | largest |difference| after the offset |\n|---|---|---|---|")
    for name, g, k in pairs:
        diffs = [g(gr) - lr[k] for gr, lr in zip(gmx_rows, lmp_rows)]
        offset = diffs[0] if name in ("Coulomb (SR + 1-4)", "total") else 0.0
        dev = max(abs(d - offset) for d in diffs)
        worst = max(worst, dev)
        vals = [g(gr) for gr in gmx_rows]
        print(f"| {name} | {min(vals):.3f} .. {max(vals):.3f} | {offset:.6f} | {dev:.2e} |")
    ok = worst <= args.tolerance
    print(f"ff-check: largest difference {worst:.2e} kcal/mol: {'within' if ok else 'ABOVE'} {args.tolerance}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
