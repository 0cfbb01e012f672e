#pragma once
// Kokkos kernels over all replicas of a molecule at once: the generator's input noise, random or
// aligned orientations, the placement (rotation about the sample's centre of mass + translation
// to the replica's centre), Maxwell-Boltzmann velocities and the validity check (bond lengths and
// non-bonded clashes from all pair distances). Views live in the default execution space's
// memory (Serial here, CUDA in a device build); kernels touch no host memory.
#include <Kokkos_Core.hpp>

#include <array>
#include <cstdint>
#include <vector>

#include "drift/counter_rng.hpp"

namespace drift::replica {

using ExecSpace = Kokkos::DefaultExecutionSpace;
using MemSpace = ExecSpace::memory_space;
using Coords = Kokkos::View<double***, Kokkos::LayoutRight, MemSpace>;     // [M, n, 3]
using Noise = Kokkos::View<float**, Kokkos::LayoutRight, MemSpace>;        // [M, noise_dim]
using Vectors = Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>;     // [M, 3]
using Rotations = Kokkos::View<double***, Kokkos::LayoutRight, MemSpace>;  // [M, 3, 3]
using Keys = Kokkos::View<int64_t*, MemSpace>;                             // [M] molecule IDs
using Flags = Kokkos::View<int*, MemSpace>;                                // [M]
using Scalars = Kokkos::View<double*, MemSpace>;

// Initialises Kokkos unless the host program already has (then its runtime and device are used);
// finalised at exit. device_index: the GPU of this process in a device build.
void ensure_kokkos(int device_index = 0);

// The molecule a kernel works on: masses and bonds with their reference lengths, on the device.
struct MoleculeViews {
  int n_atoms = 0;
  Scalars masses;                                      // [n]
  Kokkos::View<int* [2], MemSpace> bonds;              // [n_bonds, 2], 0-based
  Scalars bond_lengths;                                // [n_bonds]
  bool check_bonds = false;                            // reference lengths known
  Kokkos::View<int**, Kokkos::LayoutRight, MemSpace> bonded;  // [n, n] 1 when bonded
};
MoleculeViews make_molecule_views(const std::vector<double>& masses, const std::vector<std::array<int, 2>>& bonds,
                                  const std::vector<double>& bond_lengths);

// z[m, k] ~ N(0, 1) from (key, keys[m], k).
void fill_noise(const Noise& z, const Keys& keys, const CounterKey& key);
// Uniform random rotations (normalised Gaussian quaternions) from (key, keys[m]).
void random_rotations(const Rotations& r, const Keys& keys, const CounterKey& key);
// Rotations that best align each mass-weighted, centred sample onto the current conformation
// (Horn's quaternion method, 4x4 Jacobi eigensolver per replica).
void aligned_rotations(const Rotations& r, const Coords& sample, const Coords& current, const MoleculeViews& mol);
// out[m, i] = centres[m] + scale * R[m] (sample[m, i] - com(sample[m])); scale converts units.
void place(const Coords& out, const Coords& sample, const Rotations& r, const Vectors& centres, const MoleculeViews& mol,
           double scale = 1.0);
// centres[m] = mass-weighted centre of x[m].
void centres_of_mass(const Vectors& centres, const Coords& x, const MoleculeViews& mol);
// v[m, i] ~ N(0, kT / m_i) per component, in units where v^2 m_i / kT is dimensionless
// (scale = sqrt(kT / mvv2e) applied by the caller's choice of kt_over_mvv2e).
void thermal_velocities(const Coords& v, const Keys& keys, const CounterKey& key, const MoleculeViews& mol,
                        double kt_over_mvv2e);
// valid[m] = every bond within tol of its reference length and no non-bonded pair below clash.
// Returns the number of valid replicas.
int check_validity(const Flags& valid, const Coords& x, const MoleculeViews& mol, double tol, double clash);
// All n(n-1)/2 pair distances of every replica: d[m, p] with pairs (i < j) in row order.
void pair_distances(const Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>& d, const Coords& x);

}  // namespace drift::replica
