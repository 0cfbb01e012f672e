/* -*- c++ -*- ----------------------------------------------------------
   lammps-drift: the reference-free Boltzmann checks (docs/metrics.md) of molecules gathered whole
   with their LAMMPS forces by a DriftMoleculeExchange: the configurational temperature ratio
   T_conf / T over all of them and the kernel Stein discrepancy KSD^2 of the first N (molecule IDs
   ascending). The one implementation behind fix drift/boltzmann's f_ID[7..9] and compute
   drift/stein (docs/compute_drift_stein.md).
------------------------------------------------------------------------- */

#ifndef LMP_DRIFT_STEIN_CHECK_H
#define LMP_DRIFT_STEIN_CHECK_H

#include "pointers.h"

#include <string>

namespace drift {
struct Manifest;
struct SteinMetric;
}    // namespace drift

namespace LAMMPS_NS {

class DriftMoleculeExchange;

// The Stein metric of a model's manifest (beta H in model lengths at the model's temperature) in
// LAMMPS units at `temperature`: structure times length_scale, beta H times
// (T_model / temperature) / length_scale^2. The caller has checked that the manifest has one.
drift::SteinMetric drift_stein_metric(const drift::Manifest &manifest, double length_scale, double temperature);

// LAMMPS length units per model length unit (the manifest's units against update->unit_style);
// an error (error->all, starting with `style`) when they do not convert, e.g. units lj.
double drift_length_scale(class LAMMPS *lmp, const drift::Manifest &manifest, const std::string &style);

class DriftSteinCheck : protected Pointers {
 public:
  // style begins every error message ("Fix drift/boltzmann", "Compute drift/stein").
  DriftSteinCheck(class LAMMPS *, const std::string &style);

  struct TemperatureRatio {
    double ratio;        // sum_m -beta F . (x - centroid) / sum_m (3 N_m - 3); NaN without molecules
    double error;        // its standard error over molecules (ratio estimator; NaN below 2 molecules)
    bigint molecules;    // molecules summed (all ranks)
  };
  // Over every molecule the exchange gathered (with forces) on every rank; the same numbers on
  // every rank. Collective: two MPI_Allreduce.
  TemperatureRatio temperature_ratio(const DriftMoleculeExchange &molecules, double temperature);

  struct Discrepancy {
    double ksd2, error;    // NaN when fewer than 2 molecules are counted
    bigint count;          // molecules counted: min(samples, molecules in all)
  };
  // KSD^2 (drift::kernel_stein_discrepancy, U-statistic) and its standard error of the `samples`
  // molecules of lowest ID among the `total` the exchange gathered (with forces) on all ranks, on
  // rank 0 with `metric`; each rank sends at most `samples` molecules. A counted molecule whose atom
  // count is not the metric's is an error naming it. Collective; the same numbers on every rank.
  Discrepancy kernel_stein_discrepancy(DriftMoleculeExchange &molecules, bigint samples, bigint total,
                                       double temperature, const drift::SteinMetric &metric);

 private:
  std::string style_;
};

}    // namespace LAMMPS_NS

#endif
