#pragma once
// Kernel Stein discrepancy (KSD) of conformations against the Boltzmann distribution at inverse
// temperature beta, from the forces at the samples alone (no reference ensemble, no partition
// function): KSD^2 = E_{x,x'}[u_p(x, x')] with the Stein kernel of an inverse multiquadric base
// kernel k = (1 + |x - x'|^2 / h^2)^(-1/2) and the Boltzmann score s = beta F (Gorham & Mackey
// 2017; Liu, Lee & Jordan 2016). The U-statistic is unbiased: it scatters around 0 for Boltzmann
// samples and grows with any mismatch. Conformations are centred and rotated onto a reference
// structure (forces rotated with them), then whitened by the metric beta H, H the force field's
// Hessian at that structure, on its top 3N - 6 eigen-directions (z = (beta H)^1/2 x,
// s_z = (beta H)^-1/2 s): every internal mode, stiff bond or soft torsion, then has unit curvature
// in kT, and the default bandwidth h = 1 resolves each mode's thermal fluctuation. The metric comes
// from the force field, not from the samples, so every ensemble is measured with the same ruler
// (whitening by the samples' own forces hid noisy generators; the median-distance heuristic was
// blind to a 300 K vs 500 K mismatch: docs/metrics.md).
//
// Also the configurational (Stein) temperature ratio T_conf / T = <-s . (x - centroid)> / (3N - 3):
// exact for Boltzmann samples of a centred molecule, < 1 for samples that are too cold along the
// force directions, > 1 for too hot ones (e.g. noisy bond lengths).
#include <cstddef>
#include <functional>
#include <vector>

#include "drift/frames.hpp"

namespace drift {

struct SteinDiscrepancy {
  double ksd2 = 0;            // U-statistic estimate of KSD^2
  double standard_error = 0;  // of ksd2 (leading-order U-statistic variance)
  double bandwidth = 1;       // h in whitened units
  double temperature_ratio = 0;             // T_conf / T
  double temperature_ratio_error = 0;       // its standard error
  size_t count = 0;
};

// The ruler: a reference structure (3N, e.g. the data file's minimum geometry) and beta H there.
struct SteinMetric {
  std::vector<double> structure;    // 3N
  std::vector<double> beta_hessian; // 3N x 3N, row-major
};

// beta H by central differences of forces: `label` fills forces of the displaced copies
// (2 * 3N conformations, displacement delta in length units).
SteinMetric stein_metric(const std::vector<double>& structure, double beta,
                         const std::function<void(std::vector<Conformation>&)>& label, double delta = 1e-3);

// Conformations must carry forces (energy units / length); beta in 1 / energy units.
SteinDiscrepancy kernel_stein_discrepancy(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                          double bandwidth = 1);

}  // namespace drift
