#include "drift/sampler/replica_sampler.hpp"

#include <algorithm>
#include <stdexcept>
#include <type_traits>

#include "drift/replica/replica_kernels.hpp"
#include "drift/sampler/generator_runner.hpp"

namespace drift {

using namespace replica;

static_assert(std::is_same_v<Noise::value_type, float>, "the generator takes float32 noise");
static_assert(std::is_same_v<Coords::value_type, double>, "placement views hold float64 coordinates");

struct ReplicaSampler::Impl {
  GeneratorRunner runner;
  MoleculeViews mol;
  bool reference_lengths;
  int64_t chunk;
  // Persistent buffers of one chunk, reused every event.
  Keys keys;
  Noise noise;
  Coords sample, current, placed, velocities;
  Rotations rotations;
  Vectors centres;
  Flags valid;

  Impl(const std::string& path, const SamplerOptions& o)
      : runner(path, o.device, o.threads, o.device_index), chunk(o.chunk > 0 ? o.chunk : ReplicaSampler::default_chunk(o.device)) {
    const auto& m = runner.manifest();
    reference_lengths = !m.bond_lengths.empty();
    mol = make_molecule_views(m.masses, m.bonds, m.bond_lengths);
    const int n = m.n_atoms;
    keys = Keys("drift::keys", chunk);
    noise = Noise("drift::noise", chunk, m.noise_dim);
    sample = Coords("drift::sample", chunk, n, 3);
    current = Coords("drift::current", chunk, n, 3);
    placed = Coords("drift::placed", chunk, n, 3);
    velocities = Coords("drift::velocities", chunk, n, 3);
    rotations = Rotations("drift::rotations", chunk, 3, 3);
    centres = Vectors("drift::centres", chunk, 3);
    valid = Flags("drift::valid", chunk);
  }
};

ReplicaSampler::ReplicaSampler(const std::string& path, const SamplerOptions& options) {
  if (options.chunk < 0 || options.chunk > kMaxChunk)
    throw std::invalid_argument("chunk must be between 1 and " + std::to_string(kMaxChunk) + " rows (got " +
                                std::to_string(options.chunk) + ")");
  ensure_kokkos(options.device_index);
  impl_ = std::make_unique<Impl>(path, options);
}

ReplicaSampler::~ReplicaSampler() = default;
const Manifest& ReplicaSampler::manifest() const { return impl_->runner.manifest(); }
const std::string& ReplicaSampler::device() const { return impl_->runner.device(); }
int64_t ReplicaSampler::chunk() const { return impl_->chunk; }
bool ReplicaSampler::has_reference_bond_lengths() const { return impl_->reference_lengths; }
std::string ReplicaSampler::libtorch_version() { return GeneratorRunner::libtorch_version(); }

void ReplicaSampler::sample(const SampleRequest& req, SampleResult& out) {
  auto& s = *impl_;
  const int n = s.mol.n_atoms;
  const int64_t per = 3 * static_cast<int64_t>(n);
  out.placed.assign(req.count * per, 0.0);
  out.velocities.assign(req.thermal_velocities ? req.count * per : 0, 0.0);
  out.valid.assign(req.count, 0);
  out.n_valid = 0;
  auto h_keys = Kokkos::create_mirror_view(s.keys);
  auto h_current = Kokkos::create_mirror_view(s.current);
  auto h_placed = Kokkos::create_mirror_view(s.placed);
  auto h_vel = Kokkos::create_mirror_view(s.velocities);
  auto h_valid = Kokkos::create_mirror_view(s.valid);
  const int64_t chunk = s.chunk;
  for (int64_t begin = 0; begin < req.count; begin += chunk) {
    const int64_t len = std::min(chunk, req.count - begin);
    const Kokkos::pair<int64_t, int64_t> rows(0, len);
    const auto keys = Kokkos::subview(s.keys, rows);
    const auto noise = Kokkos::subview(s.noise, rows, Kokkos::ALL);
    const auto sample = Kokkos::subview(s.sample, rows, Kokkos::ALL, Kokkos::ALL);
    const auto current = Kokkos::subview(s.current, rows, Kokkos::ALL, Kokkos::ALL);
    const auto placed = Kokkos::subview(s.placed, rows, Kokkos::ALL, Kokkos::ALL);
    const auto rot = Kokkos::subview(s.rotations, rows, Kokkos::ALL, Kokkos::ALL);
    const auto centres = Kokkos::subview(s.centres, rows, Kokkos::ALL);
    const auto valid = Kokkos::subview(s.valid, rows);
    for (int64_t m = 0; m < len; ++m) h_keys(m) = req.keys[begin + m];
    for (int64_t m = 0; m < len; ++m)
      for (int i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d) h_current(m, i, d) = req.current[(begin + m) * per + 3 * i + d];
    Kokkos::deep_copy(s.keys, h_keys);
    Kokkos::deep_copy(s.current, h_current);
    fill_noise(noise, keys, req.key);
    // The model always sees the full chunk shape (rows past `len` hold earlier noise and are
    // ignored): a batch's floating-point result can depend on its size, so a molecule's sample
    // must not depend on how many others its rank happens to generate with it.
    Kokkos::fence();  // the noise kernel has finished before torch reads its memory
    s.runner.generate(s.noise.data(), s.sample.data(), chunk, !std::is_same_v<MemSpace, Kokkos::HostSpace>);
    out.n_valid += check_validity(valid, sample, s.mol, req.valid_tolerance, req.clash_distance);
    centres_of_mass(centres, current, s.mol);
    if (req.orientation == Orientation::Aligned) {
      // Align in the caller's units: scale the sample first (placement with scale 1 below).
      Coords scaled("drift::scaled", len, n, 3);
      const double k = req.length_scale;
      Kokkos::parallel_for("drift::scale", Kokkos::RangePolicy<ExecSpace>(0, len), KOKKOS_LAMBDA(const int64_t m) {
        for (int i = 0; i < n; ++i)
          for (int d = 0; d < 3; ++d) scaled(m, i, d) = k * sample(m, i, d);
      });
      aligned_rotations(rot, scaled, current, s.mol);
      place(placed, scaled, rot, centres, s.mol, 1.0);
    } else {
      random_rotations(rot, keys, req.key);
      place(placed, sample, rot, centres, s.mol, req.length_scale);
    }
    if (req.thermal_velocities) thermal_velocities(Kokkos::subview(s.velocities, rows, Kokkos::ALL, Kokkos::ALL), keys, req.key, s.mol, req.kt_over_mvv2e);
    Kokkos::fence();
    Kokkos::deep_copy(h_placed, s.placed);
    Kokkos::deep_copy(h_valid, s.valid);
    if (req.thermal_velocities) Kokkos::deep_copy(h_vel, s.velocities);
    for (int64_t m = 0; m < len; ++m) {
      out.valid[begin + m] = h_valid(m);
      for (int i = 0; i < n; ++i)
        for (int d = 0; d < 3; ++d) {
          out.placed[(begin + m) * per + 3 * i + d] = h_placed(m, i, d);
          if (req.thermal_velocities) out.velocities[(begin + m) * per + 3 * i + d] = h_vel(m, i, d);
        }
    }
  }
}

}  // namespace drift
