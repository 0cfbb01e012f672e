// drift-stein-bench: what the Stein importance weights cost and where they stop helping. Numbers,
// not tests (docs/method.md quotes them):
//   1. seconds for n samples in d dimensions (kernel QP and moments), on --threads threads;
//   2. ESS/n and the error left in <x^2> for Gaussian samples at variance v x the target's, against
//      the dimension d and v (v = 1: exact samples), for both methods.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "drift/stein_moments.hpp"
#include "drift/stein_weights.hpp"

namespace {

struct Toy {
  std::vector<double> x, s;
};

Toy gaussian(size_t n, size_t d, double var, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, std::sqrt(var));
  Toy t;
  for (size_t k = 0; k < n * d; ++k) {
    t.x.push_back(normal(rng));
    t.s.push_back(-t.x.back());
  }
  return t;
}

double second_moment(const Toy& t, const std::vector<double>& w, size_t d) {
  double m = 0;
  for (size_t i = 0; i < w.size(); ++i)
    for (size_t a = 0; a < d; ++a) m += w[i] * t.x[i * d + a] * t.x[i * d + a];
  return m / static_cast<double>(d);
}

// Exact importance sampling from N(0, v) to N(0, 1) in d dimensions: ESS/n = 1 / E_q[(p/q)^2].
double exact_is_ess_fraction(size_t d, double v) {
  if (2 * v - 1 <= 0) return 0;
  return std::pow(std::sqrt(2 * v - 1) / v, static_cast<double>(d));
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  std::vector<size_t> sizes{2000, 10000}, dims{1, 3, 10, 21, 42};
  std::vector<double> variances{1.0, 1.2, 1.5, 2.0};
  size_t n_scan = 2000, d_time = 21;
  CLI::App app{"drift-stein-bench: cost and limits of the Stein importance weights (numbers for docs/method.md)"};
  app.add_option("--threads", threads, "threads for the kernel matrix and the moments")->capture_default_str();
  app.add_option("--sizes", sizes, "sample counts timed")->delimiter(',')->capture_default_str();
  app.add_option("--timing-dimension", d_time, "dimension of the timed problems (21: ethanol's 3N - 6)")->capture_default_str();
  app.add_option("--dimensions", dims, "dimensions of the ESS scan")->delimiter(',')->capture_default_str();
  app.add_option("--variances", variances, "sample variance / target variance in the scan")->delimiter(',')->capture_default_str();
  app.add_option("--scan-samples", n_scan, "samples per point of the scan")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::printf("# Cost: Gaussian samples at 1.5 x the target's variance, d = %zu, %d threads\n\n", d_time, threads);
  std::printf("| n | method | identities | seconds (features or kernel + solve) | steps | converged | memory (MB) |\n|---|---|---|---|---|---|---|\n");
  for (size_t n : sizes) {
    const Toy t = gaussian(n, d_time, 1.5, 1);
    {
      drift::SteinWeightSettings s;
      s.bandwidth = 1;
      s.threads = threads;
      s.tolerance = 1e-4;
      const auto w = drift::stein_importance_weights(t.x, t.s, n, d_time, s);
      std::printf("| %zu | kernel QP (h = 1) | | %.2f + %.2f | %ld | %s | %.0f |\n", n, w.kernel_seconds, w.solve_seconds, w.steps,
                  w.converged ? "yes" : "no", drift::SteinKernelMatrix::bytes_for(n) / 1e6);
    }
    for (int cross : {0, 1}) {
      drift::SteinMomentSettings s;
      s.threads = threads;
      s.cross_modes = cross;
      const auto w = drift::stein_moment_weights(t.x, t.s, n, d_time, s);
      std::printf("| %zu | moments%s | %zu | %.2f + %.2f | %ld | %s | %.0f |\n", n, cross ? " (cross modes)" : "", w.features,
                  w.kernel_seconds, w.solve_seconds, w.steps, w.converged ? "yes" : "no", 8.0 * n * w.features / 1e6);
    }
  }

  std::printf("\n# Limits: ESS/n and |<x^2>_w - 1| for n = %zu samples of N(0, v I_d) weighted to N(0, I_d)\n\n", n_scan);
  std::printf("| d | v | exact IS ESS/n | kernel ESS/n | kernel error | moments ESS/n | moments error | unweighted error |\n"
              "|---|---|---|---|---|---|---|---|\n");
  for (size_t d : dims)
    for (double v : variances) {
      const Toy t = gaussian(n_scan, d, v, 7 + static_cast<unsigned>(d));
      drift::SteinWeightSettings ks;
      ks.bandwidth = 1;
      ks.threads = threads;
      ks.tolerance = 1e-4;
      const auto k = drift::stein_importance_weights(t.x, t.s, n_scan, d, ks);
      drift::SteinMomentSettings ms;
      ms.threads = threads;
      const auto m = drift::stein_moment_weights(t.x, t.s, n_scan, d, ms);
      const std::vector<double> uniform(n_scan, 1.0 / n_scan);
      std::printf("| %zu | %.1f | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |\n", d, v, exact_is_ess_fraction(d, v),
                  k.effective_sample_size / n_scan, std::fabs(second_moment(t, k.weights, d) - 1),
                  m.effective_sample_size / n_scan, std::fabs(second_moment(t, m.weights, d) - 1),
                  std::fabs(second_moment(t, uniform, d) - 1));
    }
  return 0;
}
