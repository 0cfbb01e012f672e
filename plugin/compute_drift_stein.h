/* -*- c++ -*- ----------------------------------------------------------
   lammps-drift: compute drift/stein. A reference-free Boltzmann monitor of any run from LAMMPS
   forces: T_conf / T over the group's molecules and, with a model file's Stein metric, the kernel
   Stein discrepancy KSD^2 of up to N of them (the code of fix drift/boltzmann's f_ID[7..9]:
   drift_stein_check.h). Documentation: docs/compute_drift_stein.md.
------------------------------------------------------------------------- */

#ifndef LMP_COMPUTE_DRIFT_STEIN_H
#define LMP_COMPUTE_DRIFT_STEIN_H

#include "compute.h"

#include <memory>
#include <string>

namespace drift {
struct Manifest;
struct SteinMetric;
}    // namespace drift

namespace LAMMPS_NS {

class DriftMoleculeExchange;

class ComputeDriftStein : public Compute {
 public:
  ComputeDriftStein(class LAMMPS *, int, char **);
  ~ComputeDriftStein() override;
  void init() override;
  void compute_vector() override;

 private:
  double temperature;    // the target (K)
  bigint ksd_samples;    // molecules in the KSD (0: off)
  std::string metric_path;
  std::unique_ptr<drift::Manifest> manifest;         // of metric_path
  std::unique_ptr<drift::SteinMetric> stein_metric;  // the manifest's, in LAMMPS units at temperature
  std::unique_ptr<DriftMoleculeExchange> molecules;  // each molecule whole on its owner rank
};

}    // namespace LAMMPS_NS

#endif
