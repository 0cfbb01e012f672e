/* -*- c++ -*- ----------------------------------------------------------
   lammps-drift: fix drift/boltzmann. One-step Boltzmann samples from a drift generator
   (TorchScript + manifest) placed as replica conformations of every molecule in the group.
   Documentation: docs/fix_drift_boltzmann.md.
------------------------------------------------------------------------- */

#ifndef LMP_FIX_DRIFT_BOLTZMANN_H
#define LMP_FIX_DRIFT_BOLTZMANN_H

#include "fix.h"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace drift {
class ReplicaSampler;
struct Topology;
struct SampleResult;
struct SteinMetric;
}  // namespace drift

namespace LAMMPS_NS {

class FixDriftBoltzmann : public Fix {
 public:
  FixDriftBoltzmann(class LAMMPS *, int, char **);
  ~FixDriftBoltzmann() override;
  int setmask() override;
  void init() override;
  void setup_pre_exchange() override;
  void setup(int) override;
  void pre_exchange() override;
  void end_of_step() override;
  void post_run() override;
  double compute_vector(int) override;
  void write_restart(FILE *) override;
  void restart(char *) override;

 private:
  // settings
  std::string model_path, device, output_path;
  long seed;
  bool aligned, thermal, at_setup, want_energy, temp_check;
  double temperature, valid_tol, clash;
  int threads;
  int ksd_samples;    // molecules per batch in the KSD check (0: off)
  bool reweight, resample;  // Stein moment weights of every batch; place the batch resampled by them

  std::unique_ptr<drift::ReplicaSampler> sampler;
  std::unique_ptr<drift::SampleResult> last;
  double length_scale;  // LAMMPS length units per model length unit
  std::unique_ptr<drift::SteinMetric> stein_metric;  // the manifest's, in LAMMPS units at temp

  // molecules of the group: IDs ascending; atom tags of each in model order
  std::vector<tagint> mol_ids;
  std::vector<tagint> mol_tags;  // [nmol * natoms_mol]
  int natoms_mol;
  bool molecules_ready;

  // counters (restart state)
  bigint events, samples_total;
  // last event
  double last_energy, last_valid_fraction, last_temperature_ratio, last_rate, last_seconds;
  double last_ksd2, last_ksd2_error;
  double last_ess_fraction, last_weighted_temperature_ratio, last_resampled_temperature_ratio;
  std::vector<double> weights;          // of the last batch, by molecule (empty: none)
  std::vector<double> virials;          // -beta F . (x - centroid) of each of its samples
  // A resampling drawn at a batch's end_of_step, placed at the next step's pre_exchange (or at the
  // setup of the next run): molecule k takes sample picks[k]; restart data while pending.
  std::vector<int64_t> picks;
  bigint resample_step;
  bigint check_step;    // the sampling step whose end_of_step evaluates energies and Stein checks
  std::string pe_compute_id;

  // output file: written to a temporary name, renamed into place at the end of every run
  FILE *out;
  std::string out_tmp;
  bool out_has_content;

  void parse_keywords(int, char **);
  void load_model();
  void find_molecules();
  void sample_and_place();
  void collect_energies(std::vector<double> &);
  double configurational_temperature_ratio();
  void kernel_stein_discrepancy();
  void gather_forces(int64_t count, std::vector<double> &forces);
  void stein_weights(const std::vector<double> &energies);
  void place_resampled();
  void write_samples(const std::vector<double> &);
  drift::Topology manifest_topology() const;
  void open_output();
  void close_output(bool commit);
  bigint next_sample_step(bigint) const;
  void schedule_next();
};

}    // namespace LAMMPS_NS

#endif
