/* ----------------------------------------------------------------------
   lammps-drift: fix drift/boltzmann (see fix_drift_boltzmann.h and docs/fix_drift_boltzmann.md)
------------------------------------------------------------------------- */

#include "fix_drift_boltzmann.h"

#include "drift_molecule_exchange.h"
#include "drift_stein_check.h"

#include "atom.h"
#include "comm.h"
#include "compute.h"
#include "domain.h"
#include "error.h"
#include "force.h"
#include "group.h"
#include "modify.h"
#include "universe.h"
#include "update.h"
#include "utils.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <limits>
#include <map>
#include <mpi.h>

#include "drift/atomic_file.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/sampler/replica_sampler.hpp"
#include "drift/counter_rng.hpp"
#include "drift/stein.hpp"
#include "drift/stein_moments.hpp"
#include "drift/stein_weights.hpp"

using namespace LAMMPS_NS;
using namespace FixConst;

namespace {
constexpr int kRestartVersion = 3;

// This process's rank among those on its node (MPI shared-memory domain) of `comm`.
int node_local_rank(MPI_Comm comm)
{
  MPI_Comm node;
  MPI_Comm_split_type(comm, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int rank = 0;
  MPI_Comm_rank(node, &rank);
  MPI_Comm_free(&node);
  return rank;
}
// Item and component of the counter-based stream that draw the systematic resampling's offset:
// molecule IDs (the sampler's items) are >= 1, so item 0 is free.
constexpr uint64_t kResampleItem = 0, kResampleComponent = 0x5e5a3b1e;
}

/* ---------------------------------------------------------------------- */

FixDriftBoltzmann::FixDriftBoltzmann(LAMMPS *lmp, int narg, char **arg) :
    Fix(lmp, narg, arg), seed(0), aligned(false), thermal(false), at_setup(false), want_energy(true),
    temp_check(true), temperature(-1), valid_tol(0.2), clash(0.75), threads(1), chunk(0), ksd_samples(0), reweight(false),
    resample(false), last(new drift::SampleResult),
    length_scale(1), nmol(0), natoms_mol(0), molecules_ready(false), events(0), samples_total(0),
    last_energy(std::numeric_limits<double>::quiet_NaN()), last_valid_fraction(std::numeric_limits<double>::quiet_NaN()),
    last_temperature_ratio(std::numeric_limits<double>::quiet_NaN()),
    last_rate(0), last_seconds(0), last_ksd2(std::numeric_limits<double>::quiet_NaN()),
    last_ksd2_error(std::numeric_limits<double>::quiet_NaN()), last_ess_fraction(std::numeric_limits<double>::quiet_NaN()),
    last_weighted_temperature_ratio(std::numeric_limits<double>::quiet_NaN()),
    last_resampled_temperature_ratio(std::numeric_limits<double>::quiet_NaN()), resample_step(-1),
    last_straddlers(0), last_bytes_max(0),
    check_step(-1), samples_continue(false), samples_keep(-1)
{
  if (narg < 7)
    error->all(FLERR, "Illegal fix drift/boltzmann command: expected 'fix ID group drift/boltzmann Nevery model.pt seed S [keyword value ...]'");
  nevery = utils::inumeric(FLERR, arg[3], false, lmp);
  if (nevery < 1) error->all(FLERR, "Fix drift/boltzmann: Nevery must be >= 1 (got {})", arg[3]);
  model_path = arg[4];
  if (strcmp(arg[5], "seed") != 0)
    error->all(FLERR, "Fix drift/boltzmann: expected 'seed S' after the model file, got '{}'", arg[5]);
  seed = utils::inumeric(FLERR, arg[6], false, lmp);
  if (seed <= 0) error->all(FLERR, "Fix drift/boltzmann: seed must be a positive integer (got {})", arg[6]);
  device = "cpu";
  parse_keywords(narg - 7, arg + 7);
  // one file per partition, named like LAMMPS' own log.lammps.N / screen.N
  if (!output_path.empty() && universe->nworlds > 1) output_path += "." + std::to_string(universe->iworld);

  if (resample && !reweight)
    error->all(FLERR, "Fix drift/boltzmann: resample yes draws from the Stein weights: add 'reweight yes'");
  if (resample && nevery < 2)
    error->all(FLERR, "Fix drift/boltzmann: resample yes needs Nevery >= 2: the resampled batch is placed one step after "
                      "it is drawn (its forces decide the weights), and a sampling step every step would replace it at once");

  vector_flag = 1;
  size_vector = 14;
  global_freq = nevery;
  extvector = 0;
  restart_global = 1;
  force_reneighbor = 1;
  next_reneighbor = -1;

  if (!atom->molecule_flag)
    error->all(FLERR, "Fix drift/boltzmann needs molecule IDs: use an atom style with molecules (full, molecular, bond, angle)");

  load_model();

  if (want_energy) {
    pe_compute_id = std::string(id) + "_drift_pe";
    modify->add_compute(pe_compute_id + " " + group->names[igroup] + " pe/atom");
  }
}

/* ---------------------------------------------------------------------- */

FixDriftBoltzmann::~FixDriftBoltzmann()
{
  close_output();
  if (!pe_compute_id.empty() && modify->find_compute(pe_compute_id) >= 0) modify->delete_compute(pe_compute_id);
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::parse_keywords(int narg, char **arg)
{
  auto yes_no = [&](int i, const char *key) {
    if (i + 1 >= narg) error->all(FLERR, "Fix drift/boltzmann: keyword '{}' needs a value (yes or no)", key);
    if (strcmp(arg[i + 1], "yes") == 0) return true;
    if (strcmp(arg[i + 1], "no") == 0) return false;
    error->all(FLERR, "Fix drift/boltzmann: keyword '{}' takes yes or no, not '{}'", key, arg[i + 1]);
    return false;
  };
  for (int i = 0; i < narg; i += 2) {
    const std::string key = arg[i];
    if (i + 1 >= narg) error->all(FLERR, "Fix drift/boltzmann: keyword '{}' needs a value", key);
    const std::string value = arg[i + 1];
    if (key == "types") {
      // One element per LAMMPS type of the box, as pair_coeff * * does for ML potentials (NULL: a
      // type no molecule of the group has).
      const int ntypes = atom->ntypes;
      if (i + ntypes >= narg)
        error->all(FLERR, "Fix drift/boltzmann: types needs one element per atom type of the box ({} types, e.g. "
                          "'types C C O H H' or NULL for a type the molecules do not have), got {}", ntypes, narg - i - 1);
      type_elements.assign(arg + i + 1, arg + i + 1 + ntypes);
      i += ntypes - 1;  // the loop adds 2
      continue;
    }
    if (key == "orient") {
      if (value == "random") aligned = false;
      else if (value == "aligned") aligned = true;
      else error->all(FLERR, "Fix drift/boltzmann: orient takes random or aligned, not '{}'", value);
    } else if (key == "velocity") {
      if (value == "keep") thermal = false;
      else if (value == "thermal") thermal = true;
      else error->all(FLERR, "Fix drift/boltzmann: velocity takes keep or thermal, not '{}'", value);
    } else if (key == "temp") {
      temperature = utils::numeric(FLERR, arg[i + 1], false, lmp);
      if (!(temperature > 0)) error->all(FLERR, "Fix drift/boltzmann: temp must be positive (got {})", value);
    } else if (key == "temp_check") {
      temp_check = yes_no(i, "temp_check");
    } else if (key == "file") {
      output_path = value;
    } else if (key == "device") {
      if (value != "cpu" && value != "cuda") error->all(FLERR, "Fix drift/boltzmann: device takes cpu or cuda, not '{}'", value);
      device = value;
    } else if (key == "setup") {
      at_setup = yes_no(i, "setup");
    } else if (key == "energy") {
      want_energy = yes_no(i, "energy");
    } else if (key == "valid_tol") {
      valid_tol = utils::numeric(FLERR, arg[i + 1], false, lmp);
      if (!(valid_tol > 0)) error->all(FLERR, "Fix drift/boltzmann: valid_tol must be positive (got {})", value);
    } else if (key == "clash") {
      clash = utils::numeric(FLERR, arg[i + 1], false, lmp);
      if (clash < 0) error->all(FLERR, "Fix drift/boltzmann: clash must be >= 0 (got {})", value);
    } else if (key == "ksd") {
      ksd_samples = utils::inumeric(FLERR, arg[i + 1], false, lmp);
      if (ksd_samples < 0 || ksd_samples == 1)
        error->all(FLERR, "Fix drift/boltzmann: ksd takes the number of samples per batch in the Stein check, 0 (off) or >= 2 (got {})", value);
    } else if (key == "reweight") {
      reweight = yes_no(i, "reweight");
    } else if (key == "resample") {
      resample = yes_no(i, "resample");
    } else if (key == "threads") {
      threads = utils::inumeric(FLERR, arg[i + 1], false, lmp);
      if (threads < 1) error->all(FLERR, "Fix drift/boltzmann: threads must be >= 1 (got {})", value);
    } else if (key == "chunk") {
      // 'auto': the device's default (ReplicaSampler::default_chunk)
      chunk = value == "auto" ? 0 : utils::bnumeric(FLERR, arg[i + 1], false, lmp);
      if (value != "auto" && (chunk < 1 || chunk > drift::ReplicaSampler::kMaxChunk))
        error->all(FLERR, "Fix drift/boltzmann: chunk takes the generator's rows per call, auto or 1 to {} (got {})",
                   drift::ReplicaSampler::kMaxChunk, value);
    } else {
      error->all(FLERR, "Fix drift/boltzmann: unknown keyword '{}' (expected orient, velocity, temp, temp_check, file, "
                        "device, setup, energy, valid_tol, clash, ksd, reweight, resample, threads, chunk or types)", key);
    }
  }
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::load_model()
{
  drift::SamplerOptions options;
  options.device = device;
  options.threads = threads;
  options.chunk = chunk;
  // One GPU per rank on a node, as the node-local rank picks it (across partitions, so replicas
  // on one node spread over its GPUs too).
  if (device == "cuda") options.device_index = node_local_rank(universe->uworld);
  try {
    sampler = std::make_unique<drift::ReplicaSampler>(model_path, options);
  } catch (std::exception &e) {
    error->all(FLERR, "Fix drift/boltzmann: {}", e.what());
  }
  const auto &m = sampler->manifest();
  natoms_mol = m.n_atoms;
  if (temperature < 0) temperature = m.temperature;
  if (comm->me == 0) {
    std::string types;
    for (int t : m.types) types += " " + std::to_string(t);
    utils::logmesg(lmp, "fix drift/boltzmann: model {} ({} atoms, types{}; {} {} at {} K, units {}, "
                        "noise dim {}, LibTorch {}, trainer {}) on {}{}, {} rows per generator call\n",
                   model_path, m.n_atoms, types, m.method, m.feature_space, m.temperature, m.units, m.noise_dim,
                   m.libtorch_version, m.trainer_version, device,
                   device == "cuda" ? " (device = node-local rank modulo the node's GPUs)" : "", sampler->chunk());
  }
}

/* ---------------------------------------------------------------------- */

int FixDriftBoltzmann::setmask()
{
  return PRE_EXCHANGE | END_OF_STEP;
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::init()
{
  const auto &m = sampler->manifest();
  if (atom->map_style == Atom::MAP_NONE)
    error->all(FLERR, "Fix drift/boltzmann needs an atom map: add 'atom_modify map yes' before the box is created");
  length_scale = drift_length_scale(lmp, m, "Fix drift/boltzmann");
  if (temp_check && std::fabs(temperature - m.temperature) > 1e-6 * m.temperature)
    error->all(FLERR, "Fix drift/boltzmann: temp {} differs from the model's temperature {} K ({}): samples follow "
                      "the model's Boltzmann distribution; train a model for {} K or add 'temp_check no'",
               temperature, m.temperature, model_path, temperature);
  if (ksd_samples > 0 || reweight) {
    if (m.stein_beta_hessian.empty())
      error->all(FLERR, "Fix drift/boltzmann: {} needs the Stein metric in the model's manifest, and {} has none: retrain "
                        "it with 'forcefield:' in the drift-train config, or remove the keyword",
                 ksd_samples > 0 ? "ksd" : "reweight", model_path);
    stein_metric = std::make_unique<drift::SteinMetric>(drift_stein_metric(m, length_scale, temperature));
  }
  if (!sampler->has_reference_bond_lengths() && comm->me == 0)
    error->warning(FLERR, "Fix drift/boltzmann: {} has no bond_lengths in its manifest: the valid fraction checks clashes only", model_path);

  // Other instances (the /kk styles included): disjoint groups, their own samples files, and one
  // LibTorch thread count (torch::set_num_threads is process-wide: the last fix created sets it).
  for (int i = 0; i < modify->nfix; i++) {
    auto *other = dynamic_cast<FixDriftBoltzmann *>(modify->fix[i]);
    if (!other || other == this) continue;
    if (!output_path.empty() && output_path == other->output_path)
      error->all(FLERR, "Fix drift/boltzmann {} and {} both write samples to {}: give each fix its own 'file'", id,
                 other->id, output_path);
    if (other->threads != threads && comm->me == 0)
      error->warning(FLERR, "Fix drift/boltzmann {} asks for {} LibTorch threads and {} for {}: the count is one per "
                            "process, and the fix created last sets it", id, threads, other->id, other->threads);
    int overlap = 0;
    for (int j = 0; j < atom->nlocal; j++)
      if ((atom->mask[j] & groupbit) && (atom->mask[j] & other->groupbit)) overlap = 1;
    int any = 0;
    MPI_Allreduce(&overlap, &any, 1, MPI_INT, MPI_MAX, world);
    if (any)
      error->all(FLERR, "Fix drift/boltzmann {} and {} act on the same atoms: use one fix per molecule group", id, other->id);
  }

  if (want_energy && modify->find_compute(pe_compute_id) < 0)
    error->all(FLERR, "Fix drift/boltzmann: its compute {} was deleted", pe_compute_id);

  find_molecules();
  next_reneighbor = next_sample_step(update->ntimestep);
}

/* ----------------------------------------------------------------------
   every molecule of the group: whole in the group, the model's atom count and type order
   (checked by each molecule's owner, see drift_molecule_exchange.h)
------------------------------------------------------------------------- */

void FixDriftBoltzmann::find_molecules()
{
  const auto &m = sampler->manifest();
  for (int i = 0; i < atom->nlocal; i++)
    if ((atom->mask[i] & groupbit) && atom->molecule[i] == 0)
      error->one(FLERR, "Fix drift/boltzmann: atom {} in group {} has molecule ID 0: every atom of the group must belong to a molecule",
                 atom->tag[i], group->names[igroup]);
  molecules = std::make_unique<DriftMoleculeExchange>(lmp, groupbit, natoms_mol, model_path);
  const bigint outside = molecules->atoms_outside_group();
  if (outside)
    error->all(FLERR, "Fix drift/boltzmann: {} atoms outside group {} belong to molecules of the group: the group must "
                      "hold whole molecules (e.g. 'group name molecule <IDs>')", outside, group->names[igroup]);
  molecules->gather({});
  const auto &ids = molecules->ids();
  const auto &tags = molecules->tags();
  const auto &types = molecules->types();
  for (size_t k = 0; k < ids.size(); k++)
    for (int j = 0; j < natoms_mol; j++) {
      const int type = types[k * natoms_mol + j];
      if (!type_elements.empty()) {
        // 'types' maps the box's numbering to elements: the model's atom order must hold elementwise.
        const std::string &element = type_elements[type - 1];
        if (element != m.elements[j])
          error->one(FLERR, "Fix drift/boltzmann: molecule {} atom {} (ID {}) has type {}, which 'types' maps to {}, but "
                            "the model's atom {} is {} ({}; model elements in atom order:{}): a molecule's atoms, ordered "
                            "by atom ID, must be the model's elements in the model's order",
                     ids[k], j + 1, tags[k * natoms_mol + j], type, element, j + 1, m.elements[j], model_path,
                     model_elements());
      } else if (type != m.types[j]) {
        error->one(FLERR, "Fix drift/boltzmann: molecule {} atom {} (ID {}) has type {}, the model's atom {} has type {}: "
                          "a molecule's atoms, ordered by atom ID, must have the types of the data file the model was "
                          "trained on ({}), or give 'types' to map this box's types to the model's elements ({})",
                   ids[k], j + 1, tags[k * natoms_mol + j], type, j + 1, m.types[j], model_path, model_elements());
      }
    }
  const bigint mine = molecules->count();
  MPI_Allreduce(&mine, &nmol, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  if (nmol == 0) error->all(FLERR, "Fix drift/boltzmann: group {} has no atoms", group->names[igroup]);
  if (comm->me == 0 && !molecules_ready)
    utils::logmesg(lmp, "fix drift/boltzmann: {} molecules of {} atoms in group {}, one sample each every {} steps\n",
                   nmol, natoms_mol, group->names[igroup], nevery);
  molecules_ready = true;
}

/* ---------------------------------------------------------------------- */

bigint FixDriftBoltzmann::next_sample_step(bigint step) const
{
  return (step / nevery) * nevery + nevery;
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::setup_pre_exchange()
{
  // A resampling left pending by the previous run (or a restart) is placed at its own step, as in
  // an uninterrupted run; one whose step has passed is placed now.
  if (resample_step >= 0 && resample_step <= update->ntimestep) place_resampled();
  if (at_setup) sample_and_place();
  schedule_next();
  if (resample_step > update->ntimestep) next_reneighbor = resample_step;
}

void FixDriftBoltzmann::pre_exchange()
{
  if (next_reneighbor != update->ntimestep) return;
  if (resample_step == update->ntimestep) {
    place_resampled();
    schedule_next();
    return;
  }
  sample_and_place();
  schedule_next();
}

// The next sampling step forces a re-neighbouring (atoms move across subdomains) and, when
// energies are wanted, per-atom energies: LAMMPS decides to tally them at the start of a step,
// before pre_exchange, so the request is made one event ahead.
void FixDriftBoltzmann::schedule_next()
{
  next_reneighbor = next_sample_step(update->ntimestep);
  if (want_energy) modify->compute[modify->find_compute(pe_compute_id)]->addstep(next_reneighbor);
}

/* ----------------------------------------------------------------------
   one sample per molecule: each rank gathers the molecules it owns, generates them (in chunks of
   a fixed shape, so the numbers do not depend on which rank does it) and places them; only
   molecules that straddle subdomains move data between ranks
------------------------------------------------------------------------- */

void FixDriftBoltzmann::sample_and_place()
{
  const double t0 = MPI_Wtime();
  molecules->gather({});
  const auto &ids = molecules->ids();

  drift::SampleRequest req;
  req.orientation = aligned ? drift::Orientation::Aligned : drift::Orientation::Random;
  req.thermal_velocities = thermal;
  req.kt_over_mvv2e = force->boltz * temperature / force->mvv2e;
  req.key.seed = (uint64_t) seed;
  req.key.stream = (uint64_t) universe->iworld;
  req.key.event = (uint64_t) events;
  req.length_scale = length_scale;
  req.valid_tolerance = valid_tol;
  req.clash_distance = clash;
  std::vector<int64_t> keys(ids.begin(), ids.end());
  req.keys = keys.data();
  req.count = (int64_t) keys.size();
  req.current = molecules->x().data();
  drift::SampleResult result;
  try {
    sampler->sample(req, result);
  } catch (std::exception &e) {
    error->one(FLERR, "Fix drift/boltzmann: generation failed: {}", e.what());
  }
  molecules->scatter(result.placed.data(), thermal ? result.velocities.data() : nullptr);
  if (resample) {
    drawn_ids = ids;
    drawn_velocities.swap(result.velocities);
  }
  const bigint local_counts[2] = {result.n_valid, molecules->straddlers_last()};
  bigint counts[2] = {0, 0};
  MPI_Allreduce(local_counts, counts, 2, MPI_LMP_BIGINT, MPI_SUM, world);
  const bigint valid_all = counts[0];
  last_straddlers = counts[1];
  const bigint bytes = molecules->bytes_sent_last();
  MPI_Allreduce(&bytes, &last_bytes_max, 1, MPI_LMP_BIGINT, MPI_MAX, world);

  events++;
  samples_total += nmol;
  last_valid_fraction = (double) valid_all / nmol;
  last_seconds = MPI_Wtime() - t0;
  last_rate = last_seconds > 0 ? nmol / last_seconds : 0;
  last_energy = last_temperature_ratio = last_ksd2 = last_ksd2_error = std::numeric_limits<double>::quiet_NaN();
  last_ess_fraction = last_weighted_temperature_ratio = last_resampled_temperature_ratio =
      std::numeric_limits<double>::quiet_NaN();
  weights.clear();
  // At setup the energies are tallied after this (Verlet::setup); during a run the request
  // was made by schedule_next() at the previous event.
  if (want_energy && update->setupflag) modify->compute[modify->find_compute(pe_compute_id)]->addstep(update->ntimestep);
  check_step = update->ntimestep;
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::setup(int)
{
  end_of_step();
}

// Forces (and energies) of the placed samples exist from the sampling step's force evaluation on.
// The molecules are gathered again: atoms have changed ranks since they were placed.
void FixDriftBoltzmann::end_of_step()
{
  if (check_step != update->ntimestep) return;
  Compute *pe = nullptr;
  if (want_energy) {
    pe = modify->compute[modify->find_compute(pe_compute_id)];
    if (pe->invoked_peratom != update->ntimestep) pe->compute_peratom();
  }
  DriftMoleculeExchange::Fields fields;
  fields.forces = true;
  fields.peratom = pe ? pe->vector_atom : nullptr;
  molecules->gather(fields);
  const int n = natoms_mol;
  // Stein check from the forces on the placed samples: <-beta F . (x - centroid)> / (3N - 3) is 1
  // for Boltzmann samples of a centred molecule (docs/metrics.md); forces as LAMMPS has them at the
  // end of the step (force field plus any fix that adds forces). The same code as compute
  // drift/stein (drift_stein_check.h).
  last_temperature_ratio = DriftSteinCheck(lmp, "Fix drift/boltzmann").temperature_ratio(*molecules, temperature).ratio;
  if (pe) {
    double local = 0, sum = 0;
    for (int64_t k = 0; k < molecules->count(); k++) {
      double e = 0;
      for (int j = 0; j < n; j++) e += molecules->peratom()[k * n + j];
      local += e;
    }
    MPI_Allreduce(&local, &sum, 1, MPI_DOUBLE, MPI_SUM, world);
    last_energy = sum / nmol;
  }
  if (ksd_samples > 0) kernel_stein_discrepancy();
  if (reweight || !output_path.empty()) {
    std::vector<tagint> ids;
    std::vector<double> bx, bf, energies, virials;
    gather_batch(ids, bx, bf, energies);
    if (reweight) stein_weights(bx, bf, energies, virials);
    if (resample) draw_resampling(ids, bx, virials);
    if (!output_path.empty()) write_samples(ids, bx, energies);
  }
  check_step = -1;
}

/* ----------------------------------------------------------------------
   the whole batch on rank 0 (IDs ascending), from the molecules just gathered: positions, forces
   when reweighting, energies (NaN without)
------------------------------------------------------------------------- */

void FixDriftBoltzmann::gather_batch(std::vector<tagint> &ids, std::vector<double> &x, std::vector<double> &f,
                                     std::vector<double> &energies)
{
  const int n = natoms_mol;
  const int per = 3 * n;
  const int width = per + (reweight ? per : 0) + 1;
  const int64_t own = molecules->count();
  std::vector<double> rows(own * width);
  for (int64_t k = 0; k < own; k++) {
    double *row = &rows[k * width];
    std::copy(molecules->x().begin() + k * per, molecules->x().begin() + (k + 1) * per, row);
    if (reweight) std::copy(molecules->f().begin() + k * per, molecules->f().begin() + (k + 1) * per, row + per);
    double e = std::numeric_limits<double>::quiet_NaN();
    if (!molecules->peratom().empty()) {
      e = 0;
      for (int j = 0; j < n; j++) e += molecules->peratom()[k * n + j];
    }
    row[width - 1] = e;
  }
  std::vector<double> all;
  molecules->rows_to_root(molecules->ids(), rows, width, ids, all);
  const size_t count = ids.size();
  x.resize(count * per);
  f.resize(reweight ? count * per : 0);
  energies.resize(count);
  for (size_t k = 0; k < count; k++) {
    const double *row = &all[k * width];
    std::copy(row, row + per, x.begin() + k * per);
    if (reweight) std::copy(row + per, row + 2 * per, f.begin() + k * per);
    energies[k] = row[width - 1];
  }
}

/* ----------------------------------------------------------------------
   Stein moment weights of the whole batch from its LAMMPS forces (and energies), on rank 0; the
   weights stay there (samples file, resampling), their summary goes to every rank: docs/method.md.
   Energy windows only when energies are tallied ('energy yes'); no Laplacian fields (they need
   forces at displaced copies, which the simulation does not have).
------------------------------------------------------------------------- */

void FixDriftBoltzmann::stein_weights(const std::vector<double> &x, const std::vector<double> &f,
                                      const std::vector<double> &energies, std::vector<double> &virials)
{
  const int64_t per = 3 * (int64_t) natoms_mol;
  double summary[2] = {0, 0};
  if (comm->me == 0) {
    if (nmol < 2) error->one(FLERR, "Fix drift/boltzmann: reweight needs at least 2 molecules in the group");
    std::vector<drift::Conformation> confs(nmol);
    for (int64_t k = 0; k < nmol; k++) {
      confs[k].x.assign(x.begin() + k * per, x.begin() + (k + 1) * per);
      confs[k].f.assign(f.begin() + k * per, f.begin() + (k + 1) * per);
      confs[k].energy = energies[k];
    }
    drift::SteinMomentSettings settings;
    settings.energy_powers = want_energy ? settings.energy_powers : 0;
    settings.laplacian_powers = 0;
    settings.threads = threads;
    try {
      const auto w = drift::stein_moment_weights(confs, 1.0 / (force->boltz * temperature), *stein_metric,
                                                 manifest_topology(), settings);
      if (!w.converged)
        error->warning(FLERR, "Fix drift/boltzmann: the Stein weights of batch {} stopped at gap {} above the tolerance",
                       events, w.gap);
      if (events == 1 && (w.effective_sample_size < 0.05 * nmol || w.moment_z_weighted > 5))
        error->warning(FLERR, "Fix drift/boltzmann: the Stein weights of the first batch have ESS/n {:.3f} and a largest "
                              "weighted identity |z| of {:.1f}: the samples are too far from the target for weights to "
                              "correct (docs/method.md)", w.effective_sample_size / nmol, w.moment_z_weighted);
      if (4 * w.features > (size_t) nmol && events == 1)
        error->warning(FLERR, "Fix drift/boltzmann: reweight fits {} Stein identities to batches of {} molecules: the "
                              "weights are noisy below 4 molecules per identity (docs/method.md)", w.features, nmol);
      weights = w.weights;
      virials = drift::stein_virials(confs, 1.0 / (force->boltz * temperature));
      summary[0] = w.effective_sample_size / nmol;
      summary[1] = w.temperature_ratio;
    } catch (std::exception &e) {
      error->one(FLERR, "Fix drift/boltzmann: Stein weights failed: {}", e.what());
    }
  }
  MPI_Bcast(summary, 2, MPI_DOUBLE, 0, world);
  last_ess_fraction = summary[0];
  last_weighted_temperature_ratio = summary[1];
}

/* ----------------------------------------------------------------------
   systematic resampling of the batch by its weights, drawn on rank 0 and placed at the next step
   (place_resampled): rank 0 keeps the batch and, with thermal velocities, the velocities drawn
------------------------------------------------------------------------- */

void FixDriftBoltzmann::draw_resampling(const std::vector<tagint> &ids, const std::vector<double> &x,
                                        const std::vector<double> &virials)
{
  std::vector<tagint> velocity_ids;
  std::vector<double> velocities;
  if (thermal) molecules->rows_to_root(drawn_ids, drawn_velocities, 3 * natoms_mol, velocity_ids, velocities);
  double ratio = 0;
  if (comm->me == 0) {
    if (thermal && velocity_ids != ids)
      error->one(FLERR, "Fix drift/boltzmann: internal error: the batch's molecules changed between placing and weighing it");
    // One offset from the counter-based stream of this event, so the picks depend on (seed,
    // partition, event) and the weights only, never on the ranks.
    drift::CounterKey key;
    key.seed = (uint64_t) seed;
    key.stream = (uint64_t) universe->iworld;
    key.event = (uint64_t) (events - 1);
    const double u = drift::counter_uniform(key, kResampleItem, kResampleComponent);
    const auto chosen = drift::systematic_resample(weights, weights.size(), u);
    // Sorted picks would give molecule k a sample near its own index; a cyclic shift by the
    // stream keeps the assignment random without changing which samples are placed.
    const size_t shift = (size_t) (drift::counter_uniform(key, kResampleItem, kResampleComponent + 1) * chosen.size());
    picks.resize(chosen.size());
    for (size_t k = 0; k < chosen.size(); k++) picks[k] = (int64_t) chosen[(k + shift) % chosen.size()];
    // The placed copies carry their samples' forces: their T_conf / T follows from the samples'.
    double sum = 0;
    for (int64_t p : picks) sum += virials[p];
    ratio = sum / (picks.size() * (3.0 * natoms_mol - 3.0));
    last->placed = x;
    last->velocities.swap(velocities);
  }
  MPI_Bcast(&ratio, 1, MPI_DOUBLE, 0, world);
  last_resampled_temperature_ratio = ratio;
  drawn_ids.clear();
  drawn_velocities.clear();
  resample_step = update->ntimestep + 1;
  next_reneighbor = resample_step;
}

/* ----------------------------------------------------------------------
   the resampled batch: molecule k takes sample picks[k]'s conformation (and, with thermal
   velocities, its velocities), moved to molecule k's own sample's centroid; rank 0 builds it and
   hands each rank the molecules it owns now
------------------------------------------------------------------------- */

void FixDriftBoltzmann::place_resampled()
{
  const int n = natoms_mol;
  const int per = 3 * n;
  molecules->gather({});
  std::vector<tagint> all_ids;
  std::vector<double> none;
  molecules->rows_to_root(molecules->ids(), {}, 0, all_ids, none);
  int shape[2] = {0, 0};    // pending resampling matches the group; velocities carried
  if (comm->me == 0) {
    const size_t count = all_ids.size();
    shape[0] = picks.size() == count && last->placed.size() == count * per;
    shape[1] = thermal && last->velocities.size() == count * per;
    if (!shape[0])
      error->warning(FLERR, "Fix drift/boltzmann: the pending resampling is for {} molecules, the group has {}",
                     picks.size(), count);
  }
  MPI_Bcast(shape, 2, MPI_INT, 0, world);
  if (!shape[0]) error->all(FLERR, "Fix drift/boltzmann: the pending resampling does not match the group's molecules");
  const int width = per * (shape[1] ? 2 : 1);
  std::vector<double> rows;
  if (comm->me == 0) {
    rows.resize(all_ids.size() * width);
    for (size_t k = 0; k < all_ids.size(); k++) {
      const int64_t src = picks[k];
      double shift[3] = {0, 0, 0};
      for (int j = 0; j < n; j++)
        for (int c = 0; c < 3; c++) shift[c] += (last->placed[k * per + 3 * j + c] - last->placed[src * per + 3 * j + c]) / n;
      double *row = &rows[k * width];
      for (int j = 0; j < n; j++)
        for (int c = 0; c < 3; c++) row[3 * j + c] = last->placed[src * per + 3 * j + c] + shift[c];
      if (shape[1]) std::copy(last->velocities.begin() + src * per, last->velocities.begin() + (src + 1) * per, row + per);
    }
  }
  std::vector<double> mine;
  molecules->rows_from_root(all_ids, rows, width, molecules->ids(), mine);
  const int64_t own = molecules->count();
  std::vector<double> placed(own * per), velocities(shape[1] ? own * per : 0);
  for (int64_t k = 0; k < own; k++) {
    std::copy(mine.begin() + k * width, mine.begin() + k * width + per, placed.begin() + k * per);
    if (shape[1]) std::copy(mine.begin() + k * width + per, mine.begin() + (k + 1) * width, velocities.begin() + k * per);
  }
  molecules->scatter(placed.data(), shape[1] ? velocities.data() : nullptr);
  last->placed.clear();
  last->velocities.clear();
  picks.clear();
  resample_step = -1;
}

/* ----------------------------------------------------------------------
   KSD^2 of the first ksd_samples placed samples (molecule IDs ascending) from their LAMMPS forces
   (docs/metrics.md): the same estimator and metric as drift-compare --ksd-temperature, on rank 0;
   each rank sends at most ksd_samples of its molecules (drift_stein_check.h, shared with compute
   drift/stein)
------------------------------------------------------------------------- */

void FixDriftBoltzmann::kernel_stein_discrepancy()
{
  const auto d = DriftSteinCheck(lmp, "Fix drift/boltzmann")
                     .kernel_stein_discrepancy(*molecules, ksd_samples, nmol, temperature, *stein_metric);
  last_ksd2 = d.ksd2;
  last_ksd2_error = d.error;
}

/* ----------------------------------------------------------------------
   extxyz, one frame per sample, appended by rank 0 of each partition and flushed every event
   (drift::AppendFile): after a crash the file holds whole frames and at most a torn last one,
   which the next run that continues the file cuts. A new fix starts a new file; later runs of the
   same fix continue it; after read_restart it continues at the restart point.
------------------------------------------------------------------------- */

void FixDriftBoltzmann::open_output()
{
  if (samples_file.is_open() || comm->me != 0) return;
  try {
    if (!samples_continue) {
      samples_file.create(output_path);
    } else {
      const long count = natoms_mol;
      const auto frame_lines = [count](const std::string &line) -> long {
        char *end = nullptr;
        const long n = std::strtol(line.c_str(), &end, 10);
        while (end && (*end == ' ' || *end == '\r')) end++;
        return (!line.empty() && end && *end == '\0' && n == count) ? count + 1 : -1;
      };
      const long long kept = samples_file.open(output_path, frame_lines,
                                               "the atom count " + std::to_string(natoms_mol) + " of a sample frame", samples_keep);
      if (samples_keep >= 0 && kept < samples_keep)
        error->warning(FLERR, "Fix drift/boltzmann: {} holds {} whole samples, the restart point {}: the run continues after them",
                       output_path, kept, samples_keep);
    }
  } catch (const std::exception &e) {
    error->one(FLERR, "Fix drift/boltzmann: {}{}", e.what(),
               samples_keep >= 0 ? ": after read_restart 'file' continues this fix's samples; move the file away or name another file"
                                 : "");
  }
  samples_continue = true;
  samples_keep = -1;
}

/* ----------------------------------------------------------------------
   after read_restart: the samples file continues at the restart point. Its first samples_total
   frames are kept; frames written after the restart file was (by the run that went on) are
   dropped, as the restarted run draws them again.
------------------------------------------------------------------------- */

void FixDriftBoltzmann::continue_output_after_restart()
{
  if (output_path.empty() || comm->me != 0) return;
  samples_continue = true;
  samples_keep = samples_total;
}

void FixDriftBoltzmann::close_output()
{
  samples_file.close();
}

std::string FixDriftBoltzmann::model_elements() const
{
  std::string s;
  for (const auto &e : sampler->manifest().elements) s += " " + e;
  return s;
}

drift::Topology FixDriftBoltzmann::manifest_topology() const
{
  const auto &m = sampler->manifest();
  drift::Topology topo;
  topo.n_atoms = m.n_atoms;
  topo.types = m.types;
  topo.masses = m.masses;
  topo.elements = m.elements;
  topo.bonds = m.bonds;
  return topo;
}

void FixDriftBoltzmann::write_samples(const std::vector<tagint> &ids, const std::vector<double> &x,
                                      const std::vector<double> &energies)
{
  if (comm->me != 0) return;
  open_output();
  const drift::Topology topo = manifest_topology();
  std::ostringstream text;
  text.precision(10);
  const int64_t per = 3 * (int64_t) natoms_mol;
  drift::Conformation c;
  for (size_t k = 0; k < ids.size(); k++) {
    c.x.assign(x.begin() + k * per, x.begin() + (k + 1) * per);
    c.energy = energies[k];
    c.weight = weights.empty() ? std::numeric_limits<double>::quiet_NaN() : weights[k];
    c.frame = events;
    c.molecule = ids[k];
    drift::write_conformation_extxyz(text, topo, c, update->unit_style);
  }
  try {
    samples_file.append(text.str());
  } catch (const std::exception &e) {
    error->one(FLERR, "Fix drift/boltzmann: {}", e.what());
  }
}

void FixDriftBoltzmann::post_run()
{
  close_output();
}

/* ---------------------------------------------------------------------- */

double FixDriftBoltzmann::compute_vector(int i)
{
  switch (i) {
    case 0: return (double) events;
    case 1: return (double) samples_total;
    case 2: return last_energy;
    case 3: return last_valid_fraction;
    case 4: return last_rate;
    case 5: return last_seconds;
    case 6: return last_temperature_ratio;
    case 7: return last_ksd2;
    case 8: return last_ksd2_error;
    case 9: return last_ess_fraction;
    case 10: return last_weighted_temperature_ratio;
    case 11: return last_resampled_temperature_ratio;
    case 12: return (double) last_straddlers;
    case 13: return (double) last_bytes_max;
  }
  return 0.0;
}

/* ----------------------------------------------------------------------
   restart: the stream is a pure function of (seed, partition, event, molecule ID), so the
   event counter is the whole RNG state
------------------------------------------------------------------------- */

// Version 2 adds a pending resampling (written between a batch and the step that places it):
// [version, seed, events, samples, resample step (-1: none), picks, placed values, velocity
// values] then the picks, the batch's placed conformations and (thermal) velocities. Version 3
// adds the generator's rows per call after the velocity values (samples depend on it).
void FixDriftBoltzmann::write_restart(FILE *fp)
{
  const bool pending = resample_step >= 0;
  std::vector<double> list = {(double) kRestartVersion, (double) seed, (double) events, (double) samples_total,
                              (double) (pending ? resample_step : -1), (double) (pending ? picks.size() : 0),
                              (double) (pending ? last->placed.size() : 0),
                              (double) (pending ? last->velocities.size() : 0), (double) sampler->chunk()};
  if (pending) {
    for (int64_t p : picks) list.push_back((double) p);
    list.insert(list.end(), last->placed.begin(), last->placed.end());
    list.insert(list.end(), last->velocities.begin(), last->velocities.end());
  }
  if (comm->me == 0) {
    int size = list.size() * sizeof(double);
    fwrite(&size, sizeof(int), 1, fp);
    fwrite(list.data(), sizeof(double), list.size(), fp);
  }
}

void FixDriftBoltzmann::restart(char *buf)
{
  double *list = (double *) buf;
  const int version = (int) list[0];
  if (version < 1 || version > kRestartVersion)
    error->all(FLERR, "Fix drift/boltzmann: restart data version {} is not supported (this build reads 1 to {})",
               version, kRestartVersion);
  if ((long) list[1] != seed && comm->me == 0)
    error->warning(FLERR, "Fix drift/boltzmann: the restart file was written with seed {}, this fix has seed {}: "
                          "continuing the counters with the new seed", (long) list[1], seed);
  if (version >= 3 && (bigint) list[8] != sampler->chunk() && comm->me == 0)
    error->warning(FLERR, "Fix drift/boltzmann: the restart file was written with chunk {}, this fix has chunk {}: "
                          "the samples from here on differ from those of the uninterrupted run (set 'chunk {}' to "
                          "continue them)", (bigint) list[8], (bigint) sampler->chunk(), (bigint) list[8]);
  events = (bigint) list[2];
  samples_total = (bigint) list[3];
  continue_output_after_restart();
  if (version < 2 || list[4] < 0) return;
  const size_t npicks = (size_t) list[5], nplaced = (size_t) list[6], nvel = (size_t) list[7];
  if (!resample)
    error->all(FLERR, "Fix drift/boltzmann: the restart file holds a resampling to place at step {}: keep 'reweight yes "
                      "resample yes' for the first run after it", (bigint) list[4]);
  resample_step = (bigint) list[4];
  const double *p = list + (version >= 3 ? 9 : 8);
  if (comm->me != 0) return;    // rank 0 places it (place_resampled)
  picks.assign(npicks, 0);
  for (size_t k = 0; k < npicks; k++) picks[k] = (int64_t) p[k];
  last->placed.assign(p + npicks, p + npicks + nplaced);
  last->velocities.assign(p + npicks + nplaced, p + npicks + nplaced + nvel);
}
