#include "drift/hessian.hpp"

#include <algorithm>
#include <stdexcept>

namespace drift {

std::vector<std::vector<double>> beta_hessians(const std::vector<std::vector<double>>& structures, double beta,
                                               const std::function<void(std::vector<Conformation>&)>& label,
                                               double delta, size_t chunk) {
  if (chunk == 0) throw std::invalid_argument("beta_hessians: chunk must be at least 1");
  std::vector<std::vector<double>> out;
  out.reserve(structures.size());
  for (size_t start = 0; start < structures.size(); start += chunk) {
    const size_t end = std::min(structures.size(), start + chunk);
    std::vector<Conformation> displaced;
    for (size_t s = start; s < end; ++s) {
      const size_t d = structures[s].size();
      for (size_t a = 0; a < d; ++a)
        for (int sign = 0; sign < 2; ++sign) {
          Conformation c;
          c.x = structures[s];
          c.x[a] += sign ? -delta : delta;
          c.frame = static_cast<long>(s + 1);
          displaced.push_back(std::move(c));
        }
    }
    label(displaced);
    size_t k = 0;
    for (size_t s = start; s < end; ++s) {
      const size_t d = structures[s].size();
      std::vector<double> h(d * d, 0.0);
      for (size_t a = 0; a < d; ++a, k += 2) {
        if (displaced[k].f.size() != d || displaced[k + 1].f.size() != d)
          throw std::runtime_error("beta_hessians: the labeller returned no forces");
        for (size_t b = 0; b < d; ++b)  // H_ab = -dF_b/dx_a
          h[a * d + b] = -beta * (displaced[k].f[b] - displaced[k + 1].f[b]) / (2 * delta);
      }
      for (size_t a = 0; a < d; ++a)
        for (size_t b = a + 1; b < d; ++b) h[a * d + b] = h[b * d + a] = 0.5 * (h[a * d + b] + h[b * d + a]);
      out.push_back(std::move(h));
    }
  }
  return out;
}

}  // namespace drift
