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

#include "drift/atomic_file.hpp"

namespace drift {
class ReplicaSampler;
struct Topology;
struct SampleResult;
struct SteinMetric;
}  // namespace drift

namespace LAMMPS_NS {

class DriftMoleculeExchange;

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

 protected:
  // fix drift/boltzmann/kk points it at atomKK's views after init() (fix_drift_boltzmann_kokkos.h)
  DriftMoleculeExchange *molecule_exchange() const { return molecules.get(); }

 private:
  // settings
  std::string model_path, device, output_path;
  long seed;
  bool aligned, thermal, at_setup, want_energy, temp_check;
  double temperature, valid_tol, clash;
  int threads;
  bigint chunk;       // generator rows per call (0: the device's default)
  int ksd_samples;    // molecules per batch in the KSD check (0: off)
  bool reweight, resample;  // Stein moment weights of every batch; place the batch resampled by them
  // 'types': the element of each LAMMPS type of the box (index type - 1; "NULL" for none). Empty: the
  // box's types must be the model's (those of the data file it was trained on).
  std::vector<std::string> type_elements;

  std::unique_ptr<drift::ReplicaSampler> sampler;
  std::unique_ptr<DriftMoleculeExchange> molecules;  // each molecule whole on its owner rank
  // Rank 0, while a resampling is pending: the batch's samples (group molecule IDs ascending) and
  // thermal velocities as placed.
  std::unique_ptr<drift::SampleResult> last;
  double length_scale;  // LAMMPS length units per model length unit
  std::unique_ptr<drift::SteinMetric> stein_metric;  // the manifest's, in LAMMPS units at temp

  bigint nmol;    // molecules in the group (every rank)
  int natoms_mol;
  // With resample: the velocities this rank drew at the last event, for its molecules (IDs ascending).
  std::vector<tagint> drawn_ids;
  std::vector<double> drawn_velocities;
  bool molecules_ready;

  // counters (restart state)
  bigint events, samples_total;
  // last event
  double last_energy, last_valid_fraction, last_temperature_ratio, last_rate, last_seconds;
  double last_ksd2, last_ksd2_error;
  double last_ess_fraction, last_weighted_temperature_ratio, last_resampled_temperature_ratio;
  std::vector<double> weights;          // rank 0: of the last batch, by molecule ID ascending (empty: none)
  // A resampling drawn at a batch's end_of_step, placed at the next step's pre_exchange (or at the
  // setup of the next run): molecule k takes sample picks[k]; restart data while pending.
  std::vector<int64_t> picks;
  bigint resample_step;
  bigint last_straddlers, last_bytes_max;  // placement of the last batch: molecules split over ranks; bytes sent (max over ranks)
  bigint check_step;    // the sampling step whose end_of_step evaluates energies and Stein checks
  std::string pe_compute_id;

  // samples file (rank 0 of each partition): whole frames appended and flushed every event
  drift::AppendFile samples_file;
  bool samples_continue;     // continue the file (a later run of this fix, or after read_restart)
  long long samples_keep;    // frames of the existing file to keep when continuing (-1: all whole ones)

  void parse_keywords(int, char **);
  void load_model();
  void find_molecules();
  void sample_and_place();
  void kernel_stein_discrepancy();
  // Rank 0: the whole batch, IDs ascending: rows of positions, forces, energy (NaN without energies).
  void gather_batch(std::vector<tagint> &ids, std::vector<double> &x, std::vector<double> &f, std::vector<double> &energies);
  void stein_weights(const std::vector<double> &x, const std::vector<double> &f, const std::vector<double> &energies,
                     std::vector<double> &virials);
  void draw_resampling(const std::vector<tagint> &ids, const std::vector<double> &x, const std::vector<double> &virials);
  void place_resampled();
  void write_samples(const std::vector<tagint> &ids, const std::vector<double> &x, const std::vector<double> &energies);
  drift::Topology manifest_topology() const;
  std::string model_elements() const;  // " C C O H ..." in the model's atom order
  void open_output();
  void continue_output_after_restart();
  void close_output();
  bigint next_sample_step(bigint) const;
  void schedule_next();
};

}    // namespace LAMMPS_NS

#endif
