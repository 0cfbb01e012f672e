#include "drift/replica/replica_kernels.hpp"

#include <cstdlib>

#include "drift/rotation.hpp"

namespace drift::replica {

// Kokkos 3.4 keeps its device-safe math in Kokkos::Experimental (moved to Kokkos in 3.6).
#if KOKKOS_VERSION < 30600
namespace kmath = Kokkos::Experimental;
#else
namespace kmath = Kokkos;
#endif

void ensure_kokkos(int device_index) {
  if (Kokkos::is_initialized()) return;  // a KOKKOS LAMMPS (or another user) owns the runtime
#if KOKKOS_VERSION >= 30700
  // Kokkos 4 (bundled with LAMMPS since 2023) has no InitArguments.
  Kokkos::InitializationSettings args;
  args.set_num_threads(1).set_disable_warnings(true).set_device_id(device_index);  // device: ignored by host backends
#else
  Kokkos::InitArguments args;
  args.num_threads = 1;
  args.disable_warnings = true;
  args.device_id = device_index;  // ignored by host backends
#endif
  Kokkos::initialize(args);
  std::atexit([] {
    if (Kokkos::is_initialized()) Kokkos::finalize();
  });
}

MoleculeViews make_molecule_views(const std::vector<double>& masses, const std::vector<std::array<int, 2>>& bonds,
                                  const std::vector<double>& bond_lengths) {
  MoleculeViews mol;
  const int n = static_cast<int>(masses.size());
  const int nb = static_cast<int>(bonds.size());
  mol.n_atoms = n;
  mol.check_bonds = !bond_lengths.empty();
  mol.masses = Scalars("drift::masses", n);
  mol.bonds = Kokkos::View<int* [2], MemSpace>("drift::bonds", nb);
  mol.bond_lengths = Scalars("drift::bond_lengths", nb);
  mol.bonded = Kokkos::View<int**, Kokkos::LayoutRight, MemSpace>("drift::bonded", n, n);
  auto hm = Kokkos::create_mirror_view(mol.masses);
  auto hb = Kokkos::create_mirror_view(mol.bonds);
  auto hl = Kokkos::create_mirror_view(mol.bond_lengths);
  auto hbd = Kokkos::create_mirror_view(mol.bonded);
  for (int i = 0; i < n; ++i) hm(i) = masses[i];
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) hbd(i, j) = 0;
  for (int b = 0; b < nb; ++b) {
    hb(b, 0) = bonds[b][0];
    hb(b, 1) = bonds[b][1];
    hl(b) = b < static_cast<int>(bond_lengths.size()) ? bond_lengths[b] : 0.0;
    hbd(bonds[b][0], bonds[b][1]) = hbd(bonds[b][1], bonds[b][0]) = 1;
  }
  Kokkos::deep_copy(mol.masses, hm);
  Kokkos::deep_copy(mol.bonds, hb);
  Kokkos::deep_copy(mol.bond_lengths, hl);
  Kokkos::deep_copy(mol.bonded, hbd);
  return mol;
}

void fill_noise(const Noise& z, const Keys& keys, const CounterKey& key) {
  const int64_t d = z.extent(1);
  Kokkos::parallel_for(
      "drift::fill_noise", Kokkos::RangePolicy<ExecSpace>(0, z.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        row_normals(counter_row(key, keys(m)), 0, d, [&](int64_t k, double v) { z(m, k) = static_cast<float>(v); });
      });
}

void random_rotations(const Rotations& r, const Keys& keys, const CounterKey& key) {
  Kokkos::parallel_for(
      "drift::random_rotations", Kokkos::RangePolicy<ExecSpace>(0, r.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        double q[4], norm = 0;
        // components apart from the noise's
        row_normals(counter_row(key, keys(m)), 1000, 4, [&](int64_t k, double v) { q[k] = v; });
        for (int k = 0; k < 4; ++k) norm += q[k] * q[k];
        norm = kmath::sqrt(norm);
        for (int k = 0; k < 4; ++k) q[k] /= norm;
        double rm[3][3];
        quaternion_to_matrix(q, rm);
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) r(m, i, j) = rm[i][j];
      });
}

void aligned_rotations(const Rotations& r, const Coords& sample, const Coords& current, const MoleculeViews& mol) {
  const int n = mol.n_atoms;
  const auto masses = mol.masses;
  Kokkos::parallel_for(
      "drift::aligned_rotations", Kokkos::RangePolicy<ExecSpace>(0, r.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        double ca[3] = {0, 0, 0}, cb[3] = {0, 0, 0}, mt = 0;
        for (int i = 0; i < n; ++i) {
          mt += masses(i);
          for (int d = 0; d < 3; ++d) {
            ca[d] += masses(i) * sample(m, i, d);
            cb[d] += masses(i) * current(m, i, d);
          }
        }
        for (int d = 0; d < 3; ++d) {
          ca[d] /= mt;
          cb[d] /= mt;
        }
        double s[3][3] = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
        for (int i = 0; i < n; ++i)
          for (int a = 0; a < 3; ++a)
            for (int b = 0; b < 3; ++b) s[a][b] += masses(i) * (sample(m, i, a) - ca[a]) * (current(m, i, b) - cb[b]);
        double rm[3][3];
        best_rotation(s, rm);
        for (int i = 0; i < 3; ++i)
          for (int j = 0; j < 3; ++j) r(m, i, j) = rm[i][j];
      });
}

void centres_of_mass(const Vectors& centres, const Coords& x, const MoleculeViews& mol) {
  const int n = mol.n_atoms;
  const auto masses = mol.masses;
  Kokkos::parallel_for(
      "drift::centres_of_mass", Kokkos::RangePolicy<ExecSpace>(0, x.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        double c[3] = {0, 0, 0}, mt = 0;
        for (int i = 0; i < n; ++i) {
          mt += masses(i);
          for (int d = 0; d < 3; ++d) c[d] += masses(i) * x(m, i, d);
        }
        for (int d = 0; d < 3; ++d) centres(m, d) = c[d] / mt;
      });
}

void place(const Coords& out, const Coords& sample, const Rotations& r, const Vectors& centres, const MoleculeViews& mol,
           double scale) {
  const int n = mol.n_atoms;
  const auto masses = mol.masses;
  Kokkos::parallel_for(
      "drift::place", Kokkos::RangePolicy<ExecSpace>(0, out.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        double c[3] = {0, 0, 0}, mt = 0;
        for (int i = 0; i < n; ++i) {
          mt += masses(i);
          for (int d = 0; d < 3; ++d) c[d] += masses(i) * sample(m, i, d);
        }
        for (int d = 0; d < 3; ++d) c[d] /= mt;
        for (int i = 0; i < n; ++i) {
          const double y[3] = {scale * (sample(m, i, 0) - c[0]), scale * (sample(m, i, 1) - c[1]), scale * (sample(m, i, 2) - c[2])};
          for (int a = 0; a < 3; ++a)
            out(m, i, a) = centres(m, a) + r(m, a, 0) * y[0] + r(m, a, 1) * y[1] + r(m, a, 2) * y[2];
        }
      });
}

void thermal_velocities(const Coords& v, const Keys& keys, const CounterKey& key, const MoleculeViews& mol,
                        double kt_over_mvv2e) {
  const int n = mol.n_atoms;
  const auto masses = mol.masses;
  Kokkos::parallel_for(
      "drift::thermal_velocities", Kokkos::RangePolicy<ExecSpace>(0, v.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        row_normals(counter_row(key, keys(m)), 2000, 3 * n, [&](int64_t k, double z) { v(m, k / 3, k % 3) = z; });
        for (int i = 0; i < n; ++i) {
          const double sd = kmath::sqrt(kt_over_mvv2e / masses(i));
          for (int d = 0; d < 3; ++d) v(m, i, d) *= sd;
        }
      });
}

int check_validity(const Flags& valid, const Coords& x, const MoleculeViews& mol, double tol, double clash) {
  const int n = mol.n_atoms;
  const int nb = mol.check_bonds ? static_cast<int>(mol.bonds.extent(0)) : 0;
  const auto bonds = mol.bonds;
  const auto lengths = mol.bond_lengths;
  const auto bonded = mol.bonded;
  int count = 0;
  Kokkos::parallel_reduce(
      "drift::check_validity", Kokkos::RangePolicy<ExecSpace>(0, x.extent(0)),
      KOKKOS_LAMBDA(const int64_t m, int& acc) {
        bool ok = true;
        for (int i = 0; i < n && ok; ++i)
          for (int j = i + 1; j < n; ++j) {
            const double dx = x(m, i, 0) - x(m, j, 0), dy = x(m, i, 1) - x(m, j, 1), dz = x(m, i, 2) - x(m, j, 2);
            const double r = kmath::sqrt(dx * dx + dy * dy + dz * dz);
            if (!bonded(i, j) && !(r >= clash)) ok = false;
          }
        for (int b = 0; b < nb && ok; ++b) {
          const int i = bonds(b, 0), j = bonds(b, 1);
          const double dx = x(m, i, 0) - x(m, j, 0), dy = x(m, i, 1) - x(m, j, 1), dz = x(m, i, 2) - x(m, j, 2);
          if (!(kmath::fabs(kmath::sqrt(dx * dx + dy * dy + dz * dz) - lengths(b)) <= tol)) ok = false;
        }
        valid(m) = ok ? 1 : 0;
        acc += ok ? 1 : 0;
      },
      count);
  return count;
}

void pair_distances(const Kokkos::View<double**, Kokkos::LayoutRight, MemSpace>& d, const Coords& x) {
  const int n = static_cast<int>(x.extent(1));
  Kokkos::parallel_for(
      "drift::pair_distances", Kokkos::RangePolicy<ExecSpace>(0, x.extent(0)), KOKKOS_LAMBDA(const int64_t m) {
        int p = 0;
        for (int i = 0; i < n; ++i)
          for (int j = i + 1; j < n; ++j, ++p) {
            const double dx = x(m, i, 0) - x(m, j, 0), dy = x(m, i, 1) - x(m, j, 1), dz = x(m, i, 2) - x(m, j, 2);
            d(m, p) = kmath::sqrt(dx * dx + dy * dy + dz * dz);
          }
      });
}

}  // namespace drift::replica
