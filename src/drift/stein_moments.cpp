#include "drift/stein_moments.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "drift/threads.hpp"
#include "drift/torsions.hpp"

namespace drift {

namespace {

constexpr double kMaxFeatureBytes = 2.0e9;

// Exponent vectors of every monomial in d variables of total degree <= degree, constant first.
std::vector<std::vector<int>> monomials(size_t d, int degree) {
  std::vector<std::vector<int>> out{std::vector<int>(d, 0)};
  std::vector<std::vector<int>> last = out;
  for (int deg = 1; deg <= degree; ++deg) {
    std::vector<std::vector<int>> next;
    for (const auto& m : last) {
      size_t first = 0;  // raise only variables at or after the last raised one: each monomial once
      for (size_t v = 0; v < d; ++v)
        if (m[v] > 0) first = v;
      for (size_t v = first; v < d; ++v) {
        auto e = m;
        ++e[v];
        next.push_back(e);
      }
    }
    out.insert(out.end(), next.begin(), next.end());
    last = std::move(next);
  }
  return out;
}

// Divides every column by its root mean square (the target mean of every Stein feature is 0, so
// no centring); drops columns that vanish on every sample.
void standardise(SteinFeatures& f) {
  std::vector<double> rms(f.r, 0.0);
  for (size_t i = 0; i < f.n; ++i)
    for (size_t k = 0; k < f.r; ++k) rms[k] += f.phi[i * f.r + k] * f.phi[i * f.r + k];
  std::vector<size_t> keep;
  for (size_t k = 0; k < f.r; ++k) {
    rms[k] = std::sqrt(rms[k] / static_cast<double>(f.n));
    if (rms[k] > 1e-300 && std::isfinite(rms[k])) keep.push_back(k);
  }
  std::vector<double> phi(f.n * keep.size());
  std::vector<std::string> names;
  for (size_t k : keep) names.push_back(f.names[k]);
  for (size_t i = 0; i < f.n; ++i)
    for (size_t c = 0; c < keep.size(); ++c) phi[i * keep.size() + c] = f.phi[i * f.r + keep[c]] / rms[keep[c]];
  f.r = keep.size();
  f.phi = std::move(phi);
  f.names = std::move(names);
}

void check_size(size_t n, size_t r) {
  const double bytes = 8.0 * static_cast<double>(n) * static_cast<double>(r);
  if (bytes > kMaxFeatureBytes)
    throw std::invalid_argument("Stein moment weights: " + std::to_string(n) + " samples x " + std::to_string(r) +
                                " features need " + std::to_string(bytes / 1e9) +
                                " GB: use fewer samples or a lower degree");
}

// Euclidean projection onto the probability simplex (Duchi et al. 2008).
void project_simplex(std::vector<double>& v, std::vector<double>& scratch) {
  scratch = v;
  std::sort(scratch.begin(), scratch.end(), std::greater<double>());
  double cumulative = 0, theta = 0;
  for (size_t k = 0; k < scratch.size(); ++k) {
    cumulative += scratch[k];
    const double t = (cumulative - 1) / static_cast<double>(k + 1);
    if (scratch[k] - t > 0) theta = t;
  }
  for (double& x : v) x = std::max(x - theta, 0.0);
}

// Energy windows: phi_0 = 1 and Gaussian bumps of the standardised energy u, centres evenly
// spaced over [-1.5, 2.5] (Boltzmann energy distributions are skewed to high energy), width the
// spacing: bounded, so no heavy tail from the rare high-energy sample. Value and d/du.
void energy_window(int j, int count, double u, double& value, double& derivative) {
  if (j == 0) {
    value = 1;
    derivative = 0;
    return;
  }
  const double spacing = count > 2 ? 4.0 / (count - 2) : 1.0;
  const double centre = count > 2 ? -1.5 + (j - 1) * spacing : 0.0;
  const double t = (u - centre) / spacing;
  value = std::exp(-0.5 * t * t);
  derivative = -t / spacing * value;
}

}  // namespace

SteinFeatures polynomial_stein_features(const std::vector<double>& z, const std::vector<double>& s, size_t n, size_t d,
                                        int degree, int cross_modes) {
  if (degree < 0 || degree > 8) throw std::invalid_argument("Stein moment weights: the degree must be in [0, 8]");
  if (z.size() != n * d || s.size() != n * d) throw std::invalid_argument("Stein moment weights: points and scores must be n x d");
  const auto mono = monomials(d, degree);
  if (cross_modes < 0) cross_modes = n >= SteinMomentSettings::kSamplesPerIdentity * mono.size() * d;
  // The fields (monomial q, direction a) kept: all, or without cross-mode terms only constants and
  // powers of z_a along e_a.
  std::vector<std::pair<size_t, size_t>> fields;
  for (size_t q = 0; q < mono.size(); ++q)
    for (size_t a = 0; a < d; ++a) {
      int other = 0;
      for (size_t v = 0; v < d; ++v)
        if (v != a) other += mono[q][v];
      if (cross_modes || other == 0) fields.emplace_back(q, a);
    }
  SteinFeatures f;
  f.n = n;
  f.r = fields.size();
  check_size(n, f.r);
  for (const auto& [q, a] : fields) {
    std::string name;
    for (size_t v = 0; v < d; ++v)
      if (mono[q][v]) name += "z" + std::to_string(v + 1) + (mono[q][v] > 1 ? "^" + std::to_string(mono[q][v]) : "");
    f.names.push_back("(" + (name.empty() ? "1" : name) + ") e" + std::to_string(a + 1));
  }
  f.phi.assign(n * f.r, 0.0);
  std::vector<double> value(mono.size());
  for (size_t i = 0; i < n; ++i) {
    const double* zi = &z[i * d];
    const double* si = &s[i * d];
    for (size_t q = 0; q < mono.size(); ++q) {
      value[q] = 1;
      for (size_t v = 0; v < d; ++v)
        for (int p = 0; p < mono[q][v]; ++p) value[q] *= zi[v];
    }
    for (size_t c = 0; c < fields.size(); ++c) {
      const auto [q, a] = fields[c];
      // d m / d z_a = e_a m / z_a, computed without dividing by z_a
      double derivative = 0;
      if (mono[q][a] > 0) {
        derivative = mono[q][a];
        for (size_t v = 0; v < d; ++v)
          for (int p = 0; p < mono[q][v] - (v == a ? 1 : 0); ++p) derivative *= zi[v];
      }
      f.phi[i * f.r + c] = value[q] * si[a] + derivative;
    }
  }
  for (double v : f.phi)
    if (!std::isfinite(v)) throw std::invalid_argument("Stein moment weights: a sample has a non-finite coordinate or force");
  standardise(f);
  return f;
}

SteinWeights solve_moment_weights(const SteinFeatures& features, const SteinMomentSettings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  const size_t n = features.n, r = features.r;
  if (n < 2) throw std::invalid_argument("Stein moment weights need at least 2 samples");
  if (!(settings.ridge > 0)) throw std::invalid_argument("Stein moment weights: the ridge must be positive");
  if (!(settings.tolerance > 0)) throw std::invalid_argument("Stein moment weights: the tolerance must be positive");
  const double* phi = features.phi.data();
  const double lambda = settings.ridge * static_cast<double>(n);
  // Threads start per pass: worth it only for large passes.
  const int nt = n * r < 200000 ? 1 : std::max(1, std::min<int>(thread_count(settings.threads), static_cast<int>(n / 256 + 1)));
  std::vector<std::vector<double>> partial(nt, std::vector<double>(r));
  // m = Phi^T w (the weighted moments), then grad = 2 (Phi m + lambda w); f = |m|^2 + lambda |w|^2.
  auto moments = [&](const std::vector<double>& w, std::vector<double>& m) {
    run_on_threads(nt, [&](int t) {
      auto& p = partial[t];
      std::fill(p.begin(), p.end(), 0.0);
      for (size_t i = static_cast<size_t>(t) * n / nt; i < static_cast<size_t>(t + 1) * n / nt; ++i) {
        const double wi = w[i];
        if (wi == 0) continue;
        const double* row = phi + i * r;
        for (size_t k = 0; k < r; ++k) p[k] += wi * row[k];
      }
    });
    m.assign(r, 0.0);
    for (const auto& p : partial)
      for (size_t k = 0; k < r; ++k) m[k] += p[k];
  };
  // out = Phi m (one dot product per sample), then the gradient 2 (Phi m + lambda w).
  auto apply = [&](const std::vector<double>& m, std::vector<double>& out) {
    out.resize(n);
    run_on_threads(nt, [&](int t) {
      for (size_t i = static_cast<size_t>(t) * n / nt; i < static_cast<size_t>(t + 1) * n / nt; ++i) {
        const double* row = phi + i * r;
        double dot = 0;
        for (size_t k = 0; k < r; ++k) dot += row[k] * m[k];
        out[i] = dot;
      }
    });
  };
  auto gradient = [&](const std::vector<double>& w, const std::vector<double>& m, std::vector<double>& g) {
    apply(m, g);
    for (size_t i = 0; i < n; ++i) g[i] = 2 * (g[i] + lambda * w[i]);
  };
  auto objective = [&](const std::vector<double>& w, const std::vector<double>& m) {
    double f = 0;
    for (double v : m) f += v * v;
    for (double v : w) f += lambda * v * v;
    return f;
  };
  // Lipschitz constant of the gradient: 2 (sigma_max(Phi^T Phi) + lambda), by power iteration
  // (with a 10% margin: the iteration approaches sigma_max from below).
  double sigma = 0;
  {
    std::vector<double> v(n), m, g;
    for (size_t i = 0; i < n; ++i) v[i] = 1.0 + 0.5 * std::sin(1.0 + static_cast<double>(i));
    for (int it = 0; it < 30; ++it) {
      double norm = 0;
      for (double x : v) norm += x * x;
      norm = std::sqrt(norm);
      for (double& x : v) x /= norm;
      moments(v, m);
      apply(m, g);
      double rayleigh = 0;
      for (size_t i = 0; i < n; ++i) rayleigh += v[i] * g[i];
      sigma = std::max(sigma, rayleigh);
      v = g;
    }
  }
  const double step = 1.0 / (2.2 * (sigma + lambda));
  SteinWeights out;
  std::vector<double> w(n, 1.0 / static_cast<double>(n)), y = w, w_next(n), m, my, m_next, g, scratch;
  moments(w, m);
  my = m;
  double f = objective(w, m);
  out.ksd2_uniform_v = f;
  double t_momentum = 1;
  long it = 0;
  // Two passes over the features per iteration: the gradient at y, the moments at the new point
  // (y's moments follow linearly from the last two points'); the certificate every 8 iterations.
  for (; it < settings.max_iterations; ++it) {
    if (it % 8 == 0) {  // Frank-Wolfe gap at w: g . w - min g >= f(w) - f*
      gradient(w, m, g);
      double gw = 0, g_min = INFINITY;
      for (size_t i = 0; i < n; ++i) {
        gw += g[i] * w[i];
        g_min = std::min(g_min, g[i]);
      }
      out.gap = gw - g_min;
      if (out.gap <= settings.tolerance * f) {
        out.converged = true;
        break;
      }
    }
    gradient(y, my, g);
    for (size_t i = 0; i < n; ++i) w_next[i] = y[i] - step * g[i];
    project_simplex(w_next, scratch);
    moments(w_next, m_next);
    const double f_next = objective(w_next, m_next);
    if (f_next > f) {  // restart the momentum (O'Donoghue & Candes)
      t_momentum = 1;
      y = w;
      my = m;
      continue;
    }
    const double t_next = 0.5 * (1 + std::sqrt(1 + 4 * t_momentum * t_momentum));
    const double beta = (t_momentum - 1) / t_next;
    for (size_t i = 0; i < n; ++i) y[i] = w_next[i] + beta * (w_next[i] - w[i]);
    for (size_t k = 0; k < r; ++k) my[k] = m_next[k] + beta * (m_next[k] - m[k]);
    t_momentum = t_next;
    w.swap(w_next);
    m.swap(m_next);
    f = f_next;
  }
  out.steps = it;
  out.features = r;
  {
    std::vector<double> mu;
    moments(std::vector<double>(n, 1.0 / static_cast<double>(n)), mu);
    const double root_n = std::sqrt(static_cast<double>(n));
    for (size_t k = 0; k < r; ++k)
      if (std::fabs(mu[k]) * root_n > out.moment_z_uniform) {
        out.moment_z_uniform = std::fabs(mu[k]) * root_n;
        out.worst_moment = features.names[k];
      }
    for (size_t k = 0; k < r; ++k) out.moment_z_weighted = std::max(out.moment_z_weighted, std::fabs(m[k]) * root_n);
  }
  out.ksd2_weighted_v = f;
  out.effective_sample_size = effective_sample_size(w);
  out.ksd2_weighted_u = NAN;
  out.weights = std::move(w);
  out.solve_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

SteinWeights stein_moment_weights(const std::vector<double>& z, const std::vector<double>& s, size_t n, size_t d,
                                  const SteinMomentSettings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  const SteinFeatures f = polynomial_stein_features(z, s, n, d, settings.degree, settings.cross_modes);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SteinWeights out = solve_moment_weights(f, settings);
  out.kernel_seconds = seconds;
  return out;
}

SteinWeights stein_moment_weights(const std::vector<Conformation>& confs, double beta, const SteinMetric& metric,
                                  const Topology& topo, const SteinMomentSettings& settings,
                                  const std::function<void(std::vector<Conformation>&)>& label) {
  const auto t0 = std::chrono::steady_clock::now();
  if (confs.size() < 2) throw std::invalid_argument("Stein moment weights need at least 2 conformations");
  const WhitenedSamples w = whitened_samples(confs, beta, metric);
  SteinFeatures f = polynomial_stein_features(w.z, w.score, w.count, w.dim, settings.degree, settings.cross_modes);
  auto append = [&](const std::vector<double>& extra, const std::vector<std::string>& names) {
    // Appends unstandardised columns to the standardised ones; standardising again leaves the
    // first block unchanged (rms 1) and scales the new one.
    const size_t count = names.size();
    SteinFeatures all;
    all.n = w.count;
    all.r = f.r + count;
    all.phi.resize(all.n * all.r);
    for (size_t i = 0; i < all.n; ++i) {
      std::copy(f.phi.begin() + i * f.r, f.phi.begin() + (i + 1) * f.r, all.phi.begin() + i * all.r);
      std::copy(extra.begin() + i * count, extra.begin() + (i + 1) * count, all.phi.begin() + i * all.r + f.r);
    }
    all.names = f.names;
    all.names.insert(all.names.end(), names.begin(), names.end());
    standardise(all);
    f = std::move(all);
  };
  if (settings.energy_powers > 0 || settings.laplacian_powers > 0) {
    for (const auto& c : confs)
      if (!c.has_energy())
        throw std::invalid_argument("Stein moment weights: the energy fields need the energy of every conformation "
                                    "(or set the energy powers to 0)");
    double mean = 0, var = 0;
    for (const auto& c : confs) mean += c.energy / static_cast<double>(confs.size());
    for (const auto& c : confs) var += (c.energy - mean) * (c.energy - mean) / static_cast<double>(confs.size() - 1);
    const double sd = std::sqrt(var);
    if (sd > 0 && settings.laplacian_powers > 0) {
      if (!label) throw std::invalid_argument("Stein moment weights: the Laplacian fields need a force callback");
      // Laplacian of beta E in the chart: sum_a of second differences of E along the tangents,
      // from forces at x +- h t_a (h: 1e-3 length units of displacement).
      const size_t d3 = confs[0].x.size(), dim = w.dim;
      std::vector<double> lap(w.count, 0.0);
      const size_t chunk = std::max<size_t>(1, 4096 / (2 * dim));
      for (size_t begin = 0; begin < w.count; begin += chunk) {
        const size_t end = std::min(w.count, begin + chunk);
        std::vector<Conformation> shifted;
        shifted.reserve((end - begin) * 2 * dim);
        std::vector<double> steps(dim);
        for (size_t a = 0; a < dim; ++a) {
          double norm = 0;
          for (size_t e = 0; e < d3; ++e) norm += w.tangent[a * d3 + e] * w.tangent[a * d3 + e];
          steps[a] = 1e-3 / std::sqrt(norm);
        }
        for (size_t i = begin; i < end; ++i)
          for (size_t a = 0; a < dim; ++a)
            for (int sign : {1, -1}) {
              Conformation c;
              c.x.assign(w.aligned.begin() + i * d3, w.aligned.begin() + (i + 1) * d3);
              for (size_t e = 0; e < d3; ++e) c.x[e] += sign * steps[a] * w.tangent[a * d3 + e];
              shifted.push_back(std::move(c));
            }
        label(shifted);
        size_t q = 0;
        for (size_t i = begin; i < end; ++i)
          for (size_t a = 0; a < dim; ++a) {
            const auto& fp = shifted[q++].f;
            const auto& fm = shifted[q++].f;
            double dfdt = 0;  // d/dh (F . t_a) = -d2E/dh2
            for (size_t e = 0; e < d3; ++e) dfdt += (fp[e] - fm[e]) * w.tangent[a * d3 + e];
            lap[i] += -beta * dfdt / (2 * steps[a]);
          }
      }
      const int p = settings.laplacian_powers;
      std::vector<double> extra(w.count * p);
      std::vector<std::string> names;
      for (int j = 0; j < p; ++j) names.push_back("window " + std::to_string(j) + " s_F (energy-resolved T_conf)");
      for (size_t i = 0; i < w.count; ++i) {
        double ssf = 0, sf2 = 0;
        for (size_t a = 0; a < w.dim; ++a) {
          const double sf = w.score[i * w.dim + a] - w.orbit[i * w.dim + a];
          ssf += w.score[i * w.dim + a] * sf;
          sf2 += sf * sf;
        }
        const double u = (confs[i].energy - mean) / sd;
        for (int j = 0; j < p; ++j) {
          double phi, dphi;
          energy_window(j, p, u, phi, dphi);
          extra[i * p + j] = phi * (ssf - lap[i]) - dphi * sf2 / (beta * sd);
        }
      }
      check_size(w.count, f.r + p);
      append(extra, names);
    }
    if (sd > 0 && settings.energy_powers > 0) {
      const int p = settings.energy_powers;
      std::vector<double> extra(w.count * p);
      std::vector<std::string> names;
      for (int j = 1; j <= p; ++j) names.push_back("window " + std::to_string(j) + " z (energy-resolved virial)");
      for (size_t i = 0; i < w.count; ++i) {
        double sz = 0, fz = 0;  // s . z, and -beta grad E . z (the score without the orbit volume)
        for (size_t a = 0; a < w.dim; ++a) {
          sz += w.score[i * w.dim + a] * w.z[i * w.dim + a];
          fz += (w.score[i * w.dim + a] - w.orbit[i * w.dim + a]) * w.z[i * w.dim + a];
        }
        const double u = (confs[i].energy - mean) / sd;
        for (int j = 1; j <= p; ++j) {
          double phi, dphi;
          energy_window(j, p + 1, u, phi, dphi);
          extra[i * p + j - 1] = phi * (sz + static_cast<double>(w.dim)) - dphi * fz / (beta * sd);
        }
      }
      check_size(w.count, f.r + p);
      append(extra, names);
    }
  }
  if (settings.torsion_harmonics > 0) {
    // Fields c(x) e_a with c = mean over the pooled end pairs of cos(k phi) or sin(k phi), k a
    // multiple of the rotor's symmetry number: phi = c s_a + dc/dz_a (central differences along
    // the chart's tangent, which moves the aligned conformation linearly).
    const auto torsions = find_rotatable_torsions(topo);
    const size_t d3 = confs[0].x.size(), dim = w.dim;
    std::vector<double> extra;
    size_t count = 0;
    std::vector<std::string> names;
    for (const auto& t : torsions)
      for (int h = 1; h <= settings.torsion_harmonics; ++h)
        for (int trig = 0; trig < 2; ++trig)
          for (size_t a = 0; a < dim; ++a)
            names.push_back((trig ? "sin(" : "cos(") + std::to_string(h * t.symmetry) + " " + t.pooled_label + ") e" +
                            std::to_string(a + 1));
    count = names.size();
    check_size(w.count, f.r + count);
    extra.assign(w.count * count, 0.0);
    constexpr double kRad = 3.14159265358979323846 / 180.0;
    std::vector<double> xp(d3), xm(d3);
    auto harmonic = [&](const std::vector<double>& x, const Torsion& t, int k, int trig) {
      const auto angles = pooled_dihedrals(x, t);
      double c = 0;
      for (double a : angles) c += trig ? std::sin(k * a * kRad) : std::cos(k * a * kRad);
      return c / static_cast<double>(angles.size());
    };
    for (size_t i = 0; i < w.count; ++i) {
      const std::vector<double> x(w.aligned.begin() + i * d3, w.aligned.begin() + (i + 1) * d3);
      size_t col = 0;
      for (const auto& t : torsions)
        for (int h = 1; h <= settings.torsion_harmonics; ++h)
          for (int trig = 0; trig < 2; ++trig) {
            const int k = h * t.symmetry;
            const double c = harmonic(x, t, k, trig);
            for (size_t a = 0; a < dim; ++a, ++col) {
              const double* tangent = &w.tangent[a * d3];
              double norm = 0;
              for (size_t e = 0; e < d3; ++e) norm += tangent[e] * tangent[e];
              const double eps = 1e-4 / std::sqrt(norm);  // 1e-4 length units of displacement
              for (size_t e = 0; e < d3; ++e) {
                xp[e] = x[e] + eps * tangent[e];
                xm[e] = x[e] - eps * tangent[e];
              }
              const double derivative = (harmonic(xp, t, k, trig) - harmonic(xm, t, k, trig)) / (2 * eps);
              extra[i * count + col] = c * w.score[i * dim + a] + derivative;
            }
          }
    }
    append(extra, names);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  SteinWeights out = solve_moment_weights(f, settings);
  out.kernel_seconds = seconds;
  weighted_temperature_ratio(confs, out.weights, beta, out.temperature_ratio, out.temperature_ratio_error);
  return out;
}

}  // namespace drift
