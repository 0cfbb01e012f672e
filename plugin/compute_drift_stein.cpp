/* ----------------------------------------------------------------------
   lammps-drift: compute drift/stein (see compute_drift_stein.h and docs/compute_drift_stein.md)
------------------------------------------------------------------------- */

#include "compute_drift_stein.h"

#include "drift_molecule_exchange.h"
#include "drift_stein_check.h"

#include "atom.h"
#include "comm.h"
#include "error.h"
#include "group.h"
#include "update.h"
#include "utils.h"

#include <cstring>
#include <limits>
#include <mpi.h>

#include "drift/manifest.hpp"
#include "drift/sampler/generator_runner.hpp"
#include "drift/stein.hpp"

using namespace LAMMPS_NS;

namespace {
constexpr const char *kStyle = "Compute drift/stein";
}

/* ---------------------------------------------------------------------- */

ComputeDriftStein::ComputeDriftStein(LAMMPS *lmp, int narg, char **arg) :
    Compute(lmp, narg, arg), temperature(-1), ksd_samples(0)
{
  const char *usage = "expected 'compute ID group drift/stein temp T [ksd N metric model.pt]'";
  for (int i = 3; i < narg; i += 2) {
    const std::string key = arg[i];
    if (i + 1 >= narg) error->all(FLERR, "{}: keyword '{}' needs a value ({})", kStyle, key, usage);
    const std::string value = arg[i + 1];
    if (key == "temp") {
      temperature = utils::numeric(FLERR, arg[i + 1], false, lmp);
      if (!(temperature > 0)) error->all(FLERR, "{}: temp must be positive (got {})", kStyle, value);
    } else if (key == "ksd") {
      ksd_samples = utils::bnumeric(FLERR, arg[i + 1], false, lmp);
      if (ksd_samples < 0 || ksd_samples == 1)
        error->all(FLERR, "{}: ksd takes the number of molecules in the kernel Stein discrepancy, 0 (off) or >= 2 "
                          "(got {})", kStyle, value);
    } else if (key == "metric") {
      metric_path = value;
    } else {
      error->all(FLERR, "{}: unknown keyword '{}' (expected temp, ksd or metric; {})", kStyle, key, usage);
    }
  }
  if (temperature < 0)
    error->all(FLERR, "{} needs 'temp T': the temperature (K) of the Boltzmann distribution the run should sample "
                      "({})", kStyle, usage);
  if (ksd_samples > 0 && metric_path.empty())
    error->all(FLERR, "{}: ksd {} needs a Stein metric: add 'metric model.pt' (a drift-train model of this molecule "
                      "whose manifest holds one), or remove ksd", kStyle, ksd_samples);
  if (!metric_path.empty()) {
    try {
      // The model is opened (and its contract checked) only to read its manifest.
      drift::GeneratorRunner runner(metric_path, "cpu", 0);
      manifest = std::make_unique<drift::Manifest>(runner.manifest());
    } catch (std::exception &e) {
      error->all(FLERR, "{}: metric {}", kStyle, e.what());
    }
    if (manifest->stein_beta_hessian.empty())
      error->all(FLERR, "{}: the manifest of {} has no Stein metric: retrain the model with 'forcefield:' in the "
                        "drift-train config (or add one with drift-train --add-stein-metric), or drop ksd and metric",
                 kStyle, metric_path);
    if (ksd_samples == 0 && comm->me == 0)
      error->warning(FLERR, "{}: metric {} is used by the KSD only, and ksd is 0: add 'ksd N'", kStyle, metric_path);
  }
  if (!atom->molecule_flag)
    error->all(FLERR, "{} needs molecule IDs: use an atom style with molecules (full, molecular, bond, angle)", kStyle);

  vector_flag = 1;
  size_vector = 5;
  extvector = 0;
  vector = new double[size_vector];
  for (int i = 0; i < size_vector; i++) vector[i] = std::numeric_limits<double>::quiet_NaN();
}

/* ---------------------------------------------------------------------- */

ComputeDriftStein::~ComputeDriftStein()
{
  delete[] vector;
}

/* ----------------------------------------------------------------------
   the group holds whole molecules; the metric in this box's units at temp
------------------------------------------------------------------------- */

void ComputeDriftStein::init()
{
  bigint no_molecule = 0, no_molecule_all = 0;
  for (int i = 0; i < atom->nlocal; i++)
    if ((atom->mask[i] & groupbit) && atom->molecule[i] == 0) no_molecule++;
  MPI_Allreduce(&no_molecule, &no_molecule_all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (no_molecule_all)
    error->all(FLERR, "{}: {} atoms of group {} have molecule ID 0: every atom of the group must belong to a molecule",
               kStyle, no_molecule_all, group->names[igroup]);
  molecules = std::make_unique<DriftMoleculeExchange>(lmp, groupbit, 0, metric_path, kStyle);
  const bigint outside = molecules->atoms_outside_group();
  if (outside)
    error->all(FLERR, "{}: {} atoms outside group {} belong to molecules of the group: T_conf needs whole molecules, "
                      "so the group must hold every atom of each of its molecules (e.g. 'group name molecule <IDs>')",
               kStyle, outside, group->names[igroup]);
  if (manifest) {
    const double length_scale = drift_length_scale(lmp, *manifest, kStyle);
    stein_metric = std::make_unique<drift::SteinMetric>(drift_stein_metric(*manifest, length_scale, temperature));
  }
}

/* ----------------------------------------------------------------------
   forces as LAMMPS has them now (at the end of a step for thermo output and fix ave/time: the
   force field plus every fix that adds forces)
------------------------------------------------------------------------- */

void ComputeDriftStein::compute_vector()
{
  invoked_vector = update->ntimestep;
  if (!molecules) error->all(FLERR, "{}: invoked before a run initialised it: use it after 'run 0' or during a run", kStyle);
  DriftMoleculeExchange::Fields fields;
  fields.forces = true;
  molecules->gather(fields);
  DriftSteinCheck check(lmp, kStyle);
  const auto t = check.temperature_ratio(*molecules, temperature);
  vector[0] = t.ratio;
  vector[1] = t.error;
  vector[2] = vector[3] = std::numeric_limits<double>::quiet_NaN();
  if (ksd_samples > 0) {
    const auto d = check.kernel_stein_discrepancy(*molecules, ksd_samples, t.molecules, temperature, *stein_metric);
    vector[2] = d.ksd2;
    vector[3] = d.error;
  }
  vector[4] = (double) t.molecules;
}
