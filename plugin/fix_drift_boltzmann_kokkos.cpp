/* ----------------------------------------------------------------------
   lammps-drift: fix drift/boltzmann/kk (see fix_drift_boltzmann_kokkos.h)
------------------------------------------------------------------------- */

#include "fix_drift_boltzmann_kokkos.h"

#include "atom_kokkos.h"
#include "atom_masks.h"
#include "drift_styles.h"
#include "error.h"
#include "lammps.h"

#include <type_traits>

using namespace LAMMPS_NS;

namespace {
// What the fix reads (gathering molecules: placement, energies, Stein checks) and writes (placing samples).
constexpr unsigned int kRead = X_MASK | V_MASK | F_MASK | IMAGE_MASK | MASK_MASK | TYPE_MASK | TAG_MASK | MOLECULE_MASK;
constexpr unsigned int kWrite = X_MASK | V_MASK | IMAGE_MASK;
}    // namespace

// The molecule exchange addresses x, v and f as [nlocal][3] rows.
static_assert(std::is_same<DAT::tdual_x_array::array_layout, Kokkos::LayoutRight>::value &&
                  std::is_same<DAT::tdual_v_array::array_layout, Kokkos::LayoutRight>::value &&
                  std::is_same<DAT::tdual_f_array::array_layout, Kokkos::LayoutRight>::value,
              "fix drift/boltzmann/kk needs LAMMPS' KOKKOS x, v, f arrays in LayoutRight (a LAMMPS built without "
              "LMP_KOKKOS_NO_LEGACY)");

namespace {
// DeviceType's memory, when the host can address it (Serial, OpenMP, Threads; CUDA/HIP with unified
// memory): the fix works in DeviceType's views there. Otherwise (a GPU's own memory) it works in
// LAMMPS' host views: gathering molecules over MPI happens on the host.
template <class DeviceType>
constexpr bool host_addressable()
{
  return Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename DeviceType::memory_space>::accessible;
}
}    // namespace

template <class DeviceType>
FixDriftBoltzmannKokkos<DeviceType>::FixDriftBoltzmannKokkos(LAMMPS *lmp, int narg, char **arg) :
    FixDriftBoltzmann(lmp, narg, arg), access(this)
{
  if (!lmp->kokkos || !atomKK)
    error->all(FLERR, "Fix {} needs KOKKOS on: run LAMMPS with '-k on' (and '-sf kk'), or use fix drift/boltzmann", style);
  kokkosable = 1;
  // LAMMPS syncs datamask_read to execution_space before each call and marks datamask_modify
  // modified there after it: the space whose views the fix reads and writes.
  execution_space = host_addressable<DeviceType>() ? ExecutionSpaceFromDevice<DeviceType>::space : Host;
  datamask_read = kRead;
  datamask_modify = kWrite;
}

template <class DeviceType>
void FixDriftBoltzmannKokkos<DeviceType>::init()
{
  // The plain fix's init() checks the group on the host arrays and gathers the molecules once there.
  atomKK->sync(Host, MASK_MASK | MOLECULE_MASK | TAG_MASK | TYPE_MASK | X_MASK | IMAGE_MASK);
  FixDriftBoltzmann::init();
  molecule_exchange()->set_atom_access(&access);
}

template <class DeviceType>
DriftAtomArrays FixDriftBoltzmannKokkos<DeviceType>::Access::arrays(unsigned int read, unsigned int write)
{
  using Space = typename std::conditional<host_addressable<DeviceType>(), DeviceType, LMPHostType>::type;
  space_ = fix_->execution_space;    // Space's ExecutionSpace
  AtomKokkos *atomKK = fix_->atomKK;
  // Written arrays are synchronised too: a write changes some atoms and keeps the others.
  atomKK->sync(space_, read | write);
  DriftAtomArrays a;
  a.mask = atomKK->k_mask.template view<Space>().data();
  a.tag = atomKK->k_tag.template view<Space>().data();
  a.molecule = atomKK->k_molecule.template view<Space>().data();
  a.type = atomKK->k_type.template view<Space>().data();
  a.x = atomKK->k_x.template view<Space>().data();
  a.v = atomKK->k_v.template view<Space>().data();
  a.f = atomKK->k_f.template view<Space>().data();
  a.image = atomKK->k_image.template view<Space>().data();
  return a;
}

template <class DeviceType>
void FixDriftBoltzmannKokkos<DeviceType>::Access::modified(unsigned int written)
{
  fix_->atomKK->modified(space_, written);
}

Fix *LAMMPS_NS::drift_boltzmann_kk_creator(LAMMPS *lmp, int narg, char **arg)
{
  return new FixDriftBoltzmannKokkos<LMPDeviceType>(lmp, narg, arg);
}

Fix *LAMMPS_NS::drift_boltzmann_kk_host_creator(LAMMPS *lmp, int narg, char **arg)
{
  return new FixDriftBoltzmannKokkos<LMPHostType>(lmp, narg, arg);
}

namespace LAMMPS_NS {
template class FixDriftBoltzmannKokkos<LMPDeviceType>;
#ifdef LMP_KOKKOS_GPU
template class FixDriftBoltzmannKokkos<LMPHostType>;
#endif
}    // namespace LAMMPS_NS
