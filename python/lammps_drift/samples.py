"""Sample files (extxyz written by drift-sample, drift-frames, drift-bias and fix drift/boltzmann) as
ASE Atoms with their energies and forces in ASE's units.

The C++ writer keeps the numbers LAMMPS computed, in the run's LAMMPS units, under keys of their own:
`lammps_energy=`, a `lammps_forces:R:3` column and `lammps_units=` (src/drift/extxyz.hpp). ASE takes
`energy=` and `forces` as eV and eV/A, so under those names kcal/mol would be misread by a factor of
23; under these ASE keeps them as atoms.info / atoms.arrays and attaches no calculator. read_samples
converts them to eV and attaches a SinglePointCalculator.
"""

def ev_per_energy_unit(units):
    """eV per energy unit of a LAMMPS unit style whose length is the Angstrom (real: kcal/mol, metal:
    eV); forces convert by the same factor per Angstrom."""
    import ase.units
    if units == "real":
        return ase.units.kcal / ase.units.mol
    if units == "metal":
        return 1.0
    raise ValueError("lammps_units=%s: only real (kcal/mol, A) and metal (eV, A) convert to ASE's eV and eV/A" % units)


def read_samples(path, index=":"):
    """ase.io.read(path, index) with lammps_energy / lammps_forces converted to eV and eV/A and attached
    as a SinglePointCalculator (atoms.get_potential_energy(), atoms.get_forces()). The LAMMPS numbers
    stay in atoms.info['lammps_energy'] and atoms.arrays['lammps_forces']. Frames without them come
    back as ASE reads them. A frame with energies or forces but no lammps_units is refused: this
    project's files before lammps_units carried kcal/mol under `energy=`, which ASE misreads."""
    import ase.io
    from ase.calculators.singlepoint import SinglePointCalculator
    frames = ase.io.read(path, index=index)
    single = not isinstance(frames, list)
    frames = [frames] if single else frames
    for k, atoms in enumerate(frames):
        energy = atoms.info.get("lammps_energy")
        forces = atoms.arrays.get("lammps_forces")
        if energy is None and forces is None:
            if atoms.calc is not None and "lammps_units" not in atoms.info:
                raise ValueError("%s, frame %d: energy= or forces without lammps_units: a file written before "
                                 "lammps_units (kcal/mol under ASE's eV keys); rewrite it with drift-frames" % (path, k + 1))
            continue
        units = atoms.info.get("lammps_units")
        if units is None:
            raise ValueError("%s, frame %d: lammps_energy or lammps_forces without lammps_units" % (path, k + 1))
        factor = ev_per_energy_unit(units)
        results = {}
        if energy is not None:
            results["energy"] = float(energy) * factor
        if forces is not None:
            results["forces"] = forces * factor
        atoms.calc = SinglePointCalculator(atoms, **results)
    return frames[0] if single else frames
