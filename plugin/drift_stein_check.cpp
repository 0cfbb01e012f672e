/* ----------------------------------------------------------------------
   lammps-drift: the Stein checks of gathered molecules (see drift_stein_check.h)
------------------------------------------------------------------------- */

#include "drift_stein_check.h"

#include "drift_molecule_exchange.h"

#include "comm.h"
#include "error.h"
#include "force.h"
#include "update.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <mpi.h>
#include <vector>

#include "drift/manifest.hpp"
#include "drift/stein.hpp"

using namespace LAMMPS_NS;

drift::SteinMetric LAMMPS_NS::drift_stein_metric(const drift::Manifest &m, double length_scale, double temperature)
{
  // The manifest's beta H is in model lengths at the model's temperature.
  drift::SteinMetric metric;
  for (double c : m.stein_structure) metric.structure.push_back(c * length_scale);
  const double scale = m.temperature / temperature / (length_scale * length_scale);
  for (double h : m.stein_beta_hessian) metric.beta_hessian.push_back(h * scale);
  return metric;
}

double LAMMPS_NS::drift_length_scale(LAMMPS *lmp, const drift::Manifest &m, const std::string &style)
{
  try {
    return drift::angstrom_per_length_unit(m.units) / drift::angstrom_per_length_unit(lmp->update->unit_style);
  } catch (std::exception &e) {
    lmp->error->all(FLERR, "{}: units {} cannot be converted to the model's units {}: {}", style,
                    lmp->update->unit_style, m.units, e.what());
  }
  return 1;
}

DriftSteinCheck::DriftSteinCheck(LAMMPS *lmp, const std::string &style) : Pointers(lmp), style_(style) {}

/* ----------------------------------------------------------------------
   T_conf / T: -beta F . (x - centroid) summed over the molecules, over their (3 N_m - 3); 1 for
   Boltzmann samples of centred molecules (Stein's identity, docs/metrics.md). Forces as LAMMPS has
   them when the molecules were gathered. The sum runs atom by atom in one accumulator (the fix's
   numbers since it first reported f_ID[7]); per-molecule terms give the standard error.
------------------------------------------------------------------------- */

DriftSteinCheck::TemperatureRatio DriftSteinCheck::temperature_ratio(const DriftMoleculeExchange &molecules,
                                                                     double temperature)
{
  const auto &x = molecules.x();
  const auto &f = molecules.f();
  const auto &offsets = molecules.offsets();
  const int64_t count = molecules.count();
  std::vector<double> virials(count, 0.0), dofs(count, 0.0);
  double local[3] = {0, 0, (double) count}, sums[3] = {0, 0, 0};    // virial, degrees of freedom, molecules
  for (int64_t k = 0; k < count; k++) {
    const int64_t a = offsets[k], n = offsets[k + 1] - offsets[k];
    double centroid[3] = {0, 0, 0};
    for (int64_t j = 0; j < n; j++)
      for (int c = 0; c < 3; c++) centroid[c] += x[3 * (a + j) + c] / n;
    for (int64_t j = 0; j < n; j++)
      for (int c = 0; c < 3; c++) {
        const double term = f[3 * (a + j) + c] * (x[3 * (a + j) + c] - centroid[c]);
        local[0] -= term;
        virials[k] -= term;
      }
    dofs[k] = 3.0 * n - 3.0;
    local[1] += dofs[k];
  }
  MPI_Allreduce(local, sums, 3, MPI_DOUBLE, MPI_SUM, world);
  const double kt = force->boltz * temperature;
  TemperatureRatio out;
  out.molecules = (bigint) sums[2];
  out.ratio = sums[1] > 0 ? sums[0] / kt / sums[1] : std::numeric_limits<double>::quiet_NaN();
  // Ratio estimator: SE^2 = n / (n - 1) sum_m (t_m - r d_m)^2 / (sum_m d_m)^2, t_m = -beta F . (x - c).
  double spread = 0, spread_all = 0;
  for (int64_t k = 0; k < count; k++) {
    const double r = virials[k] / kt - out.ratio * dofs[k];
    spread += r * r;
  }
  MPI_Allreduce(&spread, &spread_all, 1, MPI_DOUBLE, MPI_SUM, world);
  const double n = (double) out.molecules;
  out.error = n >= 2 && sums[1] > 0 ? std::sqrt(spread_all * n / (n - 1)) / sums[1]
                                    : std::numeric_limits<double>::quiet_NaN();
  return out;
}

/* ----------------------------------------------------------------------
   KSD^2 of the `samples` molecules of lowest ID from their LAMMPS forces (docs/metrics.md): the
   same estimator and metric as drift-compare --ksd-temperature, on rank 0; each rank sends at most
   `samples` of its molecules (rows: atom count, positions, forces)
------------------------------------------------------------------------- */

DriftSteinCheck::Discrepancy DriftSteinCheck::kernel_stein_discrepancy(DriftMoleculeExchange &molecules, bigint samples,
                                                                       bigint total, double temperature,
                                                                       const drift::SteinMetric &metric)
{
  const int64_t natoms = (int64_t) metric.structure.size() / 3;
  const int64_t per = 3 * natoms;
  const int width = (int) (2 * per + 1);
  const auto &offsets = molecules.offsets();
  const int64_t own = std::min<int64_t>(samples, molecules.count());
  std::vector<tagint> ids(molecules.ids().begin(), molecules.ids().begin() + own);
  std::vector<double> rows(own * width, 0.0);
  for (int64_t k = 0; k < own; k++) {
    const int64_t a = offsets[k], n = offsets[k + 1] - offsets[k];
    double *row = &rows[k * width];
    row[0] = (double) n;
    if (n != natoms) continue;    // refused on rank 0 if it is counted
    std::copy(molecules.x().begin() + 3 * a, molecules.x().begin() + 3 * (a + n), row + 1);
    std::copy(molecules.f().begin() + 3 * a, molecules.f().begin() + 3 * (a + n), row + 1 + per);
  }
  std::vector<tagint> ids_all;
  std::vector<double> all;
  molecules.rows_to_root(ids, rows, width, ids_all, all);
  Discrepancy out;
  out.count = std::min<bigint>(samples, total);
  double result[2] = {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  bigint wrong[2] = {0, 0};    // a counted molecule without the metric's atom count: ID, atoms
  if (comm->me == 0) {
    if ((bigint) ids_all.size() < out.count)
      error->one(FLERR, "{}: internal error: {} molecules reached rank 0 for a Stein check of {}", style_,
                 ids_all.size(), out.count);
    for (bigint k = 0; k < out.count && !wrong[0]; k++)
      if ((int64_t) all[k * width] != natoms) wrong[0] = ids_all[k], wrong[1] = (bigint) all[k * width];
  }
  MPI_Bcast(wrong, 2, MPI_LMP_BIGINT, 0, world);
  if (wrong[0])
    error->all(FLERR, "{}: molecule {} has {} atoms, the Stein metric is for molecules of {}: the KSD check counts the "
                      "{} molecules of lowest ID in the group, and each must be the metric's molecule (use a group "
                      "of that molecule kind, or fewer 'ksd' samples)", style_, wrong[0], wrong[1], natoms, out.count);
  if (comm->me == 0 && out.count >= 2) {
    std::vector<drift::Conformation> confs(out.count);
    for (bigint k = 0; k < out.count; k++) {
      const double *row = &all[k * width];
      confs[k].x.assign(row + 1, row + 1 + per);
      confs[k].f.assign(row + 1 + per, row + 1 + 2 * per);
    }
    try {
      const auto d = drift::kernel_stein_discrepancy(confs, 1.0 / (force->boltz * temperature), metric);
      result[0] = d.ksd2;
      result[1] = d.standard_error;
    } catch (std::exception &e) {
      error->one(FLERR, "{}: Stein check failed: {}", style_, e.what());
    }
  }
  MPI_Bcast(result, 2, MPI_DOUBLE, 0, world);
  out.ksd2 = result[0];
  out.error = result[1];
  return out;
}
