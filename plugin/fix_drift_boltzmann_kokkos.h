/* -*- c++ -*- ----------------------------------------------------------
   lammps-drift: fix drift/boltzmann/kk (also /kk/device and /kk/host, as LAMMPS names its KOKKOS
   styles) for a LAMMPS with the KOKKOS package, run with '-k on' ('-sf kk' picks it for 'fix ...
   drift/boltzmann'). The plain fix's logic (a subclass); what differs is where the atoms are read
   and written: through atomKK's views of the fix's execution space, synchronised there before each
   read and marked modified there after each write (datamask_read / datamask_modify name those
   arrays for LAMMPS), instead of LAMMPS' host copies of every per-atom array, which a non-KOKKOS
   fix makes LAMMPS synchronise before and mark modified after each call. Kokkos is LAMMPS' own
   runtime (the plugin links the Kokkos LAMMPS was built with and never initialises it when LAMMPS
   has: drift_check_host in drift_styles.cpp refuses a second runtime).
   Compiled only when the LAMMPS tree has KOKKOS enabled (CMake DRIFT_LAMMPS_KOKKOS).
------------------------------------------------------------------------- */

#ifndef LMP_FIX_DRIFT_BOLTZMANN_KOKKOS_H
#define LMP_FIX_DRIFT_BOLTZMANN_KOKKOS_H

#include "drift_molecule_exchange.h"
#include "fix_drift_boltzmann.h"
#include "kokkos_type.h"

namespace LAMMPS_NS {

template <class DeviceType>
class FixDriftBoltzmannKokkos : public FixDriftBoltzmann {
 public:
  FixDriftBoltzmannKokkos(class LAMMPS *, int, char **);
  void init() override;

 private:
  // The molecule exchange's view of the atoms: atomKK's arrays in DeviceType's memory when the host
  // can address it (Serial, OpenMP, Threads; CUDA/HIP with unified memory), else in LAMMPS' host
  // views (a GPU's own memory: gathering molecules over MPI happens on the host); execution_space
  // names that space, so LAMMPS' own sync and modify around each call agree with it.
  class Access : public DriftAtomAccess {
   public:
    explicit Access(FixDriftBoltzmannKokkos *fix) : fix_(fix) {}
    DriftAtomArrays arrays(unsigned int read, unsigned int write) override;
    void modified(unsigned int written) override;

   private:
    FixDriftBoltzmannKokkos *fix_;
    ExecutionSpace space_ = Host;    // where the last arrays() live
  };
  Access access;
};

}    // namespace LAMMPS_NS

#endif
