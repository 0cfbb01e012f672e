#pragma once
// Stein moment weights: importance weights from a finite set of Stein identities, a likelihood-free
// correction that stays unbiased in many dimensions. For any test vector field g and the target p,
// E_p[(A_p g)(x)] = 0 with A_p g = s . g + div g (s = beta F in the whitened chart). The weights are
// the point of the simplex closest to uniform (largest ESS) whose weighted Stein moments vanish:
//
//     w = argmin_{w >= 0, sum w = 1}  sum_k (sum_i w_i phi_ik)^2 + ridge * n * sum_i w_i^2,
//
// phi_ik = (A_p g_k)(x_i) / rms_i(A_p g_k) for fields g_k = m(z) e_a with m a monomial of degree
// <= `degree` (degree 1: the per-mode equipartition identities <s_a z_b> = -delta_ab, whose trace is
// T_conf / T) and, for molecules, m = the label-free torsion harmonics cos(k phi), sin(k phi) averaged
// over equivalent end atoms. With exact samples the moments are noise of order 1/sqrt(n) and the
// weights stay near uniform (ESS/n ~ 1 - r/n); with biased samples 1/ESS grows like 1 + chi^2 of the
// bias the moments see. Unlike the kernel QP (stein_weights.hpp) no sample is rewarded for its own
// small score: the kernel's diagonal w_i^2 (|s_i|^2 + d/h^2) biased exact ethanol MD 0.6 kcal/mol
// cold (docs/method.md).
//
// Solved by accelerated projected gradient (FISTA with restarts) in O(n r) per iteration with n x r
// features in memory; stops when the Frank-Wolfe gap, a certified bound on f(w) - f*, is below
// tolerance * f(w).
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "drift/stein.hpp"
#include "drift/stein_weights.hpp"
#include "drift/topology.hpp"

namespace drift {

struct SteinMomentSettings {
  int degree = 1;               // monomials of the test fields (in the whitened coordinates)
  // Fields m(z) e_a with m involving other modes than a (degree 1: the d (d - 1) cross-mode
  // identities <s_a z_b> = 0); without them 2 d identities at degree 1, so batches of a few
  // hundred molecules stay well determined. -1 (auto): with them when there are at least
  // kSamplesPerIdentity samples per identity; 0: without; 1: with.
  int cross_modes = -1;
  static constexpr size_t kSamplesPerIdentity = 10;
  // k = s, 2s, .. this * s (s the rotor's symmetry number) of every rotatable torsion (molecules;
  // 0: none). Off by default: on ethanol they cost ESS without improving the torsion metrics.
  int torsion_harmonics = 0;
  // Energy-resolved virial identities (molecules with energies): fields phi_j(u) z, u the
  // standardised energy, phi_j a bounded window of u (j = 1..this);
  // E_p[phi_j (s . z + d) - phi_j'(u) (s_F . z) / (beta sd(E))] = 0 (0: none).
  int energy_powers = 6;
  // Energy-resolved configurational-temperature identities (need forces at displaced copies, the
  // `label` callback): fields phi_j(u) s_F, s_F = -beta grad_z E, j = 0..this-1 (phi_0 = 1: Rugh's
  // <|grad E|^2> = kT <Laplacian E>); E_p[phi_j (s . s_F - beta Lap E) - phi_j'(u) |s_F|^2 / (beta sd(E))] = 0.
  int laplacian_powers = 0;
  double ridge = 0.01;          // weight of sum w^2 against the standardised moments, per sample
  double tolerance = 1e-4;      // relative Frank-Wolfe gap at which the QP counts as solved
  long max_iterations = 20000;
  int threads = 0;              // 0: all hardware threads
};

// Standardised Stein features (n x r, row-major) and what each is.
struct SteinFeatures {
  size_t n = 0, r = 0;
  std::vector<double> phi;
  std::vector<std::string> names;
};

// Fields m(z) e_a, m every monomial of total degree <= degree (see cross_modes): phi = m s_a + d m / d z_a.
SteinFeatures polynomial_stein_features(const std::vector<double>& z, const std::vector<double>& s, size_t n, size_t d,
                                        int degree, int cross_modes);

SteinWeights solve_moment_weights(const SteinFeatures& features, const SteinMomentSettings& settings);

// Points and scores in R^d (toys): polynomial fields only.
SteinWeights stein_moment_weights(const std::vector<double>& z, const std::vector<double>& s, size_t n, size_t d,
                                  const SteinMomentSettings& settings = {});

// Conformations with forces (and energies for the energy fields), in the KSD's chart; torsion fields
// from the topology's rotatable torsions.
// `label` fills the forces of conformations (displaced copies for the Laplacian fields; may be
// empty when laplacian_powers is 0).
SteinWeights stein_moment_weights(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                  const Topology& topo, const SteinMomentSettings& settings = {},
                                  const std::function<void(std::vector<Conformation>&)>& label = {});

}  // namespace drift
