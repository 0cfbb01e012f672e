/* ----------------------------------------------------------------------
   lammps-drift: fix drift/boltzmann (see fix_drift_boltzmann.h and docs/fix_drift_boltzmann.md)
------------------------------------------------------------------------- */

#include "fix_drift_boltzmann.h"

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
#include <cstring>
#include <fstream>
#include <sstream>
#include <limits>
#include <map>
#include <mpi.h>

#include "drift/atomic_file.hpp"
#include "drift/conformation_writer.hpp"
#include "drift/replica/replica_sampler.hpp"
#include "drift/counter_rng.hpp"
#include "drift/stein.hpp"
#include "drift/stein_moments.hpp"
#include "drift/stein_weights.hpp"

using namespace LAMMPS_NS;
using namespace FixConst;

namespace {
constexpr int kRestartVersion = 2;
// Item and component of the counter-based stream that draw the systematic resampling's offset:
// molecule IDs (the sampler's items) are >= 1, so item 0 is free.
constexpr uint64_t kResampleItem = 0, kResampleComponent = 0x5e5a3b1e;
}

/* ---------------------------------------------------------------------- */

FixDriftBoltzmann::FixDriftBoltzmann(LAMMPS *lmp, int narg, char **arg) :
    Fix(lmp, narg, arg), seed(0), aligned(false), thermal(false), at_setup(false), want_energy(true),
    temp_check(true), temperature(-1), valid_tol(0.2), clash(0.75), threads(1), ksd_samples(0), reweight(false),
    resample(false), last(new drift::SampleResult),
    length_scale(1), natoms_mol(0), molecules_ready(false), events(0), samples_total(0),
    last_energy(std::numeric_limits<double>::quiet_NaN()), last_valid_fraction(std::numeric_limits<double>::quiet_NaN()),
    last_temperature_ratio(std::numeric_limits<double>::quiet_NaN()),
    last_rate(0), last_seconds(0), last_ksd2(std::numeric_limits<double>::quiet_NaN()),
    last_ksd2_error(std::numeric_limits<double>::quiet_NaN()), last_ess_fraction(std::numeric_limits<double>::quiet_NaN()),
    last_weighted_temperature_ratio(std::numeric_limits<double>::quiet_NaN()),
    last_resampled_temperature_ratio(std::numeric_limits<double>::quiet_NaN()), resample_step(-1),
    check_step(-1), out(nullptr), out_has_content(false)
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
  size_vector = 12;
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
  close_output(true);
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
    } else {
      error->all(FLERR, "Fix drift/boltzmann: unknown keyword '{}' (expected orient, velocity, temp, temp_check, file, "
                        "device, setup, energy, valid_tol, clash, ksd, reweight, resample or threads)", key);
    }
  }
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::load_model()
{
  try {
    sampler = std::make_unique<drift::ReplicaSampler>(model_path, device, threads);
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
                        "noise dim {}, LibTorch {}, trainer {}) on {}\n",
                   model_path, m.n_atoms, types, m.method, m.feature_space, m.temperature, m.units, m.noise_dim,
                   m.libtorch_version, m.trainer_version, device);
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
  try {
    length_scale = drift::angstrom_per_length_unit(m.units) / drift::angstrom_per_length_unit(update->unit_style);
  } catch (std::exception &e) {
    error->all(FLERR, "Fix drift/boltzmann: units {} cannot be converted to the model's units {}: {}",
               update->unit_style, m.units, e.what());
  }
  if (temp_check && std::fabs(temperature - m.temperature) > 1e-6 * m.temperature)
    error->all(FLERR, "Fix drift/boltzmann: temp {} differs from the model's temperature {} K ({}): samples follow "
                      "the model's Boltzmann distribution; train a model for {} K or add 'temp_check no'",
               temperature, m.temperature, model_path, temperature);
  if (ksd_samples > 0 || reweight) {
    if (m.stein_beta_hessian.empty())
      error->all(FLERR, "Fix drift/boltzmann: {} needs the Stein metric in the model's manifest, and {} has none: retrain "
                        "it with 'forcefield:' in the drift-train config, or remove the keyword",
                 ksd_samples > 0 ? "ksd" : "reweight", model_path);
    // The manifest's beta H is in model lengths at the model's temperature.
    stein_metric = std::make_unique<drift::SteinMetric>();
    for (double c : m.stein_structure) stein_metric->structure.push_back(c * length_scale);
    const double scale = m.temperature / temperature / (length_scale * length_scale);
    for (double h : m.stein_beta_hessian) stein_metric->beta_hessian.push_back(h * scale);
  }
  if (!sampler->has_reference_bond_lengths() && comm->me == 0)
    error->warning(FLERR, "Fix drift/boltzmann: {} has no bond_lengths in its manifest: the valid fraction checks clashes only", model_path);

  for (int i = 0; i < modify->nfix; i++) {
    Fix *other = modify->fix[i];
    if (other == this || strcmp(other->style, style) != 0) continue;
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
------------------------------------------------------------------------- */

void FixDriftBoltzmann::find_molecules()
{
  const auto &m = sampler->manifest();
  const int nlocal = atom->nlocal;
  std::vector<int64_t> mine;    // (mol, tag, type) triples of this rank's group atoms
  for (int i = 0; i < nlocal; i++) {
    if (!(atom->mask[i] & groupbit)) continue;
    if (atom->molecule[i] == 0)
      error->one(FLERR, "Fix drift/boltzmann: atom {} in group {} has molecule ID 0: every atom of the group must belong to a molecule",
                 atom->tag[i], group->names[igroup]);
    mine.insert(mine.end(), {(int64_t) atom->molecule[i], (int64_t) atom->tag[i], (int64_t) atom->type[i]});
  }
  int nmine = mine.size();
  std::vector<int> counts(comm->nprocs), displs(comm->nprocs, 0);
  MPI_Allgather(&nmine, 1, MPI_INT, counts.data(), 1, MPI_INT, world);
  for (int p = 1; p < comm->nprocs; p++) displs[p] = displs[p - 1] + counts[p - 1];
  std::vector<int64_t> all(displs.back() + counts.back());
  MPI_Allgatherv(mine.data(), nmine, MPI_INT64_T, all.data(), counts.data(), displs.data(), MPI_INT64_T, world);

  std::map<int64_t, std::vector<std::pair<int64_t, int>>> by_mol;    // mol -> (tag, type)
  for (size_t k = 0; k < all.size(); k += 3) by_mol[all[k]].push_back({all[k + 1], (int) all[k + 2]});
  if (by_mol.empty()) error->all(FLERR, "Fix drift/boltzmann: group {} has no atoms", group->names[igroup]);

  // Atoms outside the group that share a molecule ID with the group: molecules must be whole.
  int outside = 0;
  for (int i = 0; i < nlocal; i++)
    if (!(atom->mask[i] & groupbit) && by_mol.count(atom->molecule[i])) outside++;
  int outside_all = 0;
  MPI_Allreduce(&outside, &outside_all, 1, MPI_INT, MPI_SUM, world);
  if (outside_all)
    error->all(FLERR, "Fix drift/boltzmann: {} atoms outside group {} belong to molecules of the group: the group must "
                      "hold whole molecules (e.g. 'group name molecule <IDs>')", outside_all, group->names[igroup]);

  mol_ids.clear();
  mol_tags.clear();
  for (auto &[mol, atoms] : by_mol) {
    if ((int) atoms.size() != natoms_mol)
      error->all(FLERR, "Fix drift/boltzmann: molecule {} has {} atoms, the model {} generates {}: use a group of molecules "
                        "of the model's kind", mol, atoms.size(), model_path, natoms_mol);
    std::sort(atoms.begin(), atoms.end());
    for (int j = 0; j < natoms_mol; j++)
      if (atoms[j].second != m.types[j])
        error->all(FLERR, "Fix drift/boltzmann: molecule {} atom {} (ID {}) has type {}, the model's atom {} has type {}: "
                          "a molecule's atoms, ordered by atom ID, must have the types of the data file the model was "
                          "trained on ({})", mol, j + 1, atoms[j].first, atoms[j].second, j + 1, m.types[j], model_path);
    mol_ids.push_back(mol);
    for (auto &a : atoms) mol_tags.push_back(a.first);
  }
  if (comm->me == 0 && !molecules_ready)
    utils::logmesg(lmp, "fix drift/boltzmann: {} molecules of {} atoms in group {}, one sample each every {} steps\n",
                   mol_ids.size(), natoms_mol, group->names[igroup], nevery);
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
   one sample per molecule: gather current molecules, generate on chunks spread over the
   ranks (chunk c on rank c % nprocs), share the results, each rank moves the atoms it owns
------------------------------------------------------------------------- */

void FixDriftBoltzmann::sample_and_place()
{
  const double t0 = MPI_Wtime();
  const int64_t nmol = mol_ids.size();
  const int n = natoms_mol;
  const int64_t per = 3 * (int64_t) n;
  double **x = atom->x;
  double **v = atom->v;
  imageint *image = atom->image;
  const int nlocal = atom->nlocal;

  // Current whole conformations (unwrapped, then made whole around each molecule's first atom).
  std::vector<double> mine(nmol * per, 0.0), current(nmol * per, 0.0);
  for (int64_t s = 0; s < nmol * n; s++) {
    const int i = atom->map(mol_tags[s]);
    if (i >= 0 && i < nlocal) domain->unmap(x[i], image[i], &mine[3 * s]);
  }
  MPI_Allreduce(mine.data(), current.data(), nmol * per, MPI_DOUBLE, MPI_SUM, world);
  for (int64_t k = 0; k < nmol; k++)
    for (int j = 1; j < n; j++) {
      double *a = &current[k * per], *b = &current[k * per + 3 * j];
      double d[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
      domain->minimum_image(d[0], d[1], d[2]);
      for (int c = 0; c < 3; c++) b[c] = a[c] + d[c];
    }

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

  std::vector<int64_t> keys(mol_ids.begin(), mol_ids.end());
  std::vector<double> placed(nmol * per, 0.0), velocities(thermal ? nmol * per : 0, 0.0);
  double local_valid = 0;
  const int64_t chunk = drift::ReplicaSampler::kChunk;
  const int64_t nchunks = (nmol + chunk - 1) / chunk;
  drift::SampleResult result;
  try {
    for (int64_t c = comm->me; c < nchunks; c += comm->nprocs) {
      const int64_t begin = c * chunk, len = std::min(chunk, nmol - begin);
      req.keys = keys.data() + begin;
      req.count = len;
      req.current = current.data() + begin * per;
      sampler->sample(req, result);
      std::copy(result.placed.begin(), result.placed.end(), placed.begin() + begin * per);
      if (thermal) std::copy(result.velocities.begin(), result.velocities.end(), velocities.begin() + begin * per);
      local_valid += result.n_valid;
    }
  } catch (std::exception &e) {
    error->one(FLERR, "Fix drift/boltzmann: generation failed: {}", e.what());
  }
  std::vector<double> placed_all(nmol * per), velocities_all(velocities.size());
  MPI_Allreduce(placed.data(), placed_all.data(), nmol * per, MPI_DOUBLE, MPI_SUM, world);
  if (thermal) MPI_Allreduce(velocities.data(), velocities_all.data(), nmol * per, MPI_DOUBLE, MPI_SUM, world);
  last->velocities = velocities_all;
  double valid_all = 0;
  MPI_Allreduce(&local_valid, &valid_all, 1, MPI_DOUBLE, MPI_SUM, world);

  const imageint centre_image = ((imageint) IMGMAX << IMG2BITS) | ((imageint) IMGMAX << IMGBITS) | IMGMAX;
  for (int64_t s = 0; s < nmol * n; s++) {
    const int i = atom->map(mol_tags[s]);
    if (i < 0 || i >= nlocal) continue;
    for (int c = 0; c < 3; c++) x[i][c] = placed_all[3 * s + c];
    image[i] = centre_image;
    domain->remap(x[i], image[i]);
    if (thermal)
      for (int c = 0; c < 3; c++) v[i][c] = velocities_all[3 * s + c];
  }

  events++;
  samples_total += nmol;
  last_valid_fraction = valid_all / nmol;
  last->placed.swap(placed_all);
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
void FixDriftBoltzmann::end_of_step()
{
  if (check_step != update->ntimestep) return;
  std::vector<double> energies(mol_ids.size(), std::numeric_limits<double>::quiet_NaN());
  if (want_energy) {
    collect_energies(energies);
    double sum = 0;
    for (double e : energies) sum += e;
    if (!energies.empty()) last_energy = sum / energies.size();
  }
  last_temperature_ratio = configurational_temperature_ratio();
  if (ksd_samples > 0) kernel_stein_discrepancy();
  if (reweight) stein_weights(energies);
  if (resample) {
    // Systematic resampling: one offset from the counter-based stream of this event, so the picks
    // depend on (seed, partition, event) and the weights only, never on the ranks.
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
    last_resampled_temperature_ratio = sum / (picks.size() * (3.0 * natoms_mol - 3.0));
    resample_step = update->ntimestep + 1;
    next_reneighbor = resample_step;
  }
  if (!output_path.empty()) write_samples(energies);
  check_step = -1;
}

/* ----------------------------------------------------------------------
   forces on the first `count` molecules' atoms, in molecule order, summed onto rank 0
------------------------------------------------------------------------- */

void FixDriftBoltzmann::gather_forces(int64_t count, std::vector<double> &forces)
{
  const int64_t per = 3 * (int64_t) natoms_mol;
  std::vector<double> mine(count * per, 0.0);
  forces.assign(count * per, 0.0);
  const int nlocal = atom->nlocal;
  for (int64_t s = 0; s < count * natoms_mol; s++) {
    const int i = atom->map(mol_tags[s]);
    if (i >= 0 && i < nlocal)
      for (int c = 0; c < 3; c++) mine[3 * s + c] = atom->f[i][c];
  }
  MPI_Reduce(mine.data(), forces.data(), count * per, MPI_DOUBLE, MPI_SUM, 0, world);
}

/* ----------------------------------------------------------------------
   Stein moment weights of the whole batch from its LAMMPS forces (and energies), on rank 0, then
   shared: docs/method.md. Energy windows only when energies are tallied ('energy yes'); no
   Laplacian fields (they need forces at displaced copies, which the simulation does not have).
------------------------------------------------------------------------- */

void FixDriftBoltzmann::stein_weights(const std::vector<double> &energies)
{
  const int64_t nmol = mol_ids.size();
  const int64_t per = 3 * (int64_t) natoms_mol;
  std::vector<double> forces;
  gather_forces(nmol, forces);
  weights.assign(nmol, 0.0);
  virials.assign(nmol, 0.0);
  double summary[2] = {0, 0};
  if (comm->me == 0) {
    if (nmol < 2) error->one(FLERR, "Fix drift/boltzmann: reweight needs at least 2 molecules in the group");
    std::vector<drift::Conformation> confs(nmol);
    for (int64_t k = 0; k < nmol; k++) {
      confs[k].x.assign(last->placed.begin() + k * per, last->placed.begin() + (k + 1) * per);
      confs[k].f.assign(forces.begin() + k * per, forces.begin() + (k + 1) * per);
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
  MPI_Bcast(weights.data(), nmol, MPI_DOUBLE, 0, world);
  MPI_Bcast(virials.data(), nmol, MPI_DOUBLE, 0, world);
  MPI_Bcast(summary, 2, MPI_DOUBLE, 0, world);
  last_ess_fraction = summary[0];
  last_weighted_temperature_ratio = summary[1];
}

/* ----------------------------------------------------------------------
   the resampled batch: molecule k takes sample picks[k]'s conformation (and, with thermal
   velocities, its velocities), moved to molecule k's own sample's centroid
------------------------------------------------------------------------- */

void FixDriftBoltzmann::place_resampled()
{
  const int64_t nmol = mol_ids.size();
  const int n = natoms_mol;
  const int64_t per = 3 * (int64_t) n;
  if ((int64_t) picks.size() != nmol || (int64_t) last->placed.size() != nmol * per)
    error->all(FLERR, "Fix drift/boltzmann: the pending resampling is for {} molecules, the group has {}", picks.size(), nmol);
  std::vector<double> moved(nmol * per);
  for (int64_t k = 0; k < nmol; k++) {
    const int64_t src = picks[k];
    double shift[3] = {0, 0, 0};
    for (int j = 0; j < n; j++)
      for (int c = 0; c < 3; c++) shift[c] += (last->placed[k * per + 3 * j + c] - last->placed[src * per + 3 * j + c]) / n;
    for (int j = 0; j < n; j++)
      for (int c = 0; c < 3; c++) moved[k * per + 3 * j + c] = last->placed[src * per + 3 * j + c] + shift[c];
  }
  double **x = atom->x;
  double **v = atom->v;
  imageint *image = atom->image;
  const int nlocal = atom->nlocal;
  const bool copy_velocities = thermal && (int64_t) last->velocities.size() == nmol * per;
  const imageint centre_image = ((imageint) IMGMAX << IMG2BITS) | ((imageint) IMGMAX << IMGBITS) | IMGMAX;
  for (int64_t s = 0; s < nmol * n; s++) {
    const int i = atom->map(mol_tags[s]);
    if (i < 0 || i >= nlocal) continue;
    const int64_t k = s / n, j = s % n, src = picks[k];
    for (int c = 0; c < 3; c++) x[i][c] = moved[3 * s + c];
    image[i] = centre_image;
    domain->remap(x[i], image[i]);
    if (copy_velocities)
      for (int c = 0; c < 3; c++) v[i][c] = last->velocities[src * per + 3 * j + c];
  }
  last->placed.swap(moved);
  picks.clear();
  resample_step = -1;
}

/* ----------------------------------------------------------------------
   KSD^2 of the first ksd_samples placed samples from their LAMMPS forces (docs/metrics.md):
   the same estimator and metric as drift-compare --ksd-temperature, computed on rank 0
------------------------------------------------------------------------- */

void FixDriftBoltzmann::kernel_stein_discrepancy()
{
  const int64_t count = std::min<int64_t>(ksd_samples, mol_ids.size());
  const int64_t per = 3 * (int64_t) natoms_mol;
  if (count < 2) return;
  std::vector<double> forces;
  gather_forces(count, forces);
  double result[2] = {0, 0};
  if (comm->me == 0) {
    std::vector<drift::Conformation> confs(count);
    for (int64_t k = 0; k < count; k++) {
      confs[k].x.assign(last->placed.begin() + k * per, last->placed.begin() + (k + 1) * per);
      confs[k].f.assign(forces.begin() + k * per, forces.begin() + (k + 1) * per);
    }
    try {
      const auto d = drift::kernel_stein_discrepancy(confs, 1.0 / (force->boltz * temperature), *stein_metric);
      result[0] = d.ksd2;
      result[1] = d.standard_error;
    } catch (std::exception &e) {
      error->one(FLERR, "Fix drift/boltzmann: Stein check failed: {}", e.what());
    }
  }
  MPI_Bcast(result, 2, MPI_DOUBLE, 0, world);
  last_ksd2 = result[0];
  last_ksd2_error = result[1];
}

/* ----------------------------------------------------------------------
   Stein check from the forces on the placed samples: <-beta F . (x - centroid)> / (3N - 3) is 1
   for Boltzmann samples of a centred molecule (docs/metrics.md); forces as LAMMPS has them at the
   end of the step (force field plus any fix that adds forces)
------------------------------------------------------------------------- */

double FixDriftBoltzmann::configurational_temperature_ratio()
{
  const int64_t nmol = mol_ids.size();
  const int n = natoms_mol;
  const int64_t per = 3 * (int64_t) n;
  std::vector<double> centroid(3 * nmol, 0.0);
  for (int64_t k = 0; k < nmol; k++)
    for (int j = 0; j < n; j++)
      for (int c = 0; c < 3; c++) centroid[3 * k + c] += last->placed[k * per + 3 * j + c] / n;
  double mine = 0, all = 0;
  const int nlocal = atom->nlocal;
  for (int64_t s = 0; s < nmol * n; s++) {
    const int i = atom->map(mol_tags[s]);
    if (i < 0 || i >= nlocal) continue;
    const int64_t k = s / n;
    for (int c = 0; c < 3; c++) mine -= atom->f[i][c] * (last->placed[3 * s + c] - centroid[3 * k + c]);
  }
  MPI_Allreduce(&mine, &all, 1, MPI_DOUBLE, MPI_SUM, world);
  const double beta = 1.0 / (force->boltz * temperature);
  return beta * all / (nmol * (3.0 * n - 3.0));
}

/* ---------------------------------------------------------------------- */

void FixDriftBoltzmann::collect_energies(std::vector<double> &energies)
{
  Compute *pe = modify->compute[modify->find_compute(pe_compute_id)];
  if (pe->invoked_peratom != update->ntimestep) pe->compute_peratom();
  const int64_t nmol = mol_ids.size();
  std::vector<double> mine(nmol, 0.0);
  const int nlocal = atom->nlocal;
  for (int64_t s = 0; s < nmol * natoms_mol; s++) {
    const int i = atom->map(mol_tags[s]);
    if (i >= 0 && i < nlocal) mine[s / natoms_mol] += pe->vector_atom[i];
  }
  energies.assign(nmol, 0.0);
  MPI_Allreduce(mine.data(), energies.data(), nmol, MPI_DOUBLE, MPI_SUM, world);
}

/* ----------------------------------------------------------------------
   extxyz, one frame per sample, written by rank 0 of each partition to a temporary file that
   replaces the target at the end of every run (a crash never leaves a half-written file there)
------------------------------------------------------------------------- */

void FixDriftBoltzmann::open_output()
{
  if (out || comm->me != 0) return;
  out_tmp = output_path + ".tmp." + std::to_string(universe->iworld);
  out = fopen(out_tmp.c_str(), "w");
  if (!out) error->one(FLERR, "Fix drift/boltzmann: cannot write {}: {}", out_tmp, utils::getsyserror());
  if (out_has_content) {    // continue the samples of earlier runs of this fix
    std::ifstream previous(output_path, std::ios::binary);
    std::string buffer((std::istreambuf_iterator<char>(previous)), std::istreambuf_iterator<char>());
    fwrite(buffer.data(), 1, buffer.size(), out);
  }
}

void FixDriftBoltzmann::close_output(bool commit)
{
  if (!out) return;
  const bool ok = fflush(out) == 0 && !ferror(out);
  fclose(out);
  out = nullptr;
  if (commit && ok && rename(out_tmp.c_str(), output_path.c_str()) == 0) {
    out_has_content = true;
  } else if (commit) {
    error->warning(FLERR, "Fix drift/boltzmann: could not complete {} (samples kept in {})", output_path, out_tmp);
  }
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

void FixDriftBoltzmann::write_samples(const std::vector<double> &energies)
{
  if (comm->me != 0) return;
  open_output();
  const drift::Topology topo = manifest_topology();
  std::ostringstream text;
  text.precision(10);
  const int64_t per = 3 * (int64_t) natoms_mol;
  drift::Conformation c;
  for (size_t k = 0; k < mol_ids.size(); k++) {
    c.x.assign(last->placed.begin() + k * per, last->placed.begin() + (k + 1) * per);
    c.energy = energies[k];
    c.weight = weights.empty() ? std::numeric_limits<double>::quiet_NaN() : weights[k];
    c.frame = events;
    c.molecule = mol_ids[k];
    drift::write_conformation_extxyz(text, topo, c);
  }
  const std::string s = text.str();
  if (fwrite(s.data(), 1, s.size(), out) != s.size())
    error->one(FLERR, "Fix drift/boltzmann: write error on {}: {}", out_tmp, utils::getsyserror());
}

void FixDriftBoltzmann::post_run()
{
  close_output(true);
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
  }
  return 0.0;
}

/* ----------------------------------------------------------------------
   restart: the stream is a pure function of (seed, partition, event, molecule ID), so the
   event counter is the whole RNG state
------------------------------------------------------------------------- */

// Version 2 adds a pending resampling (written between a batch and the step that places it):
// [version, seed, events, samples, resample step (-1: none), picks, placed values, velocity
// values] then the picks, the batch's placed conformations and (thermal) velocities.
void FixDriftBoltzmann::write_restart(FILE *fp)
{
  const bool pending = resample_step >= 0;
  std::vector<double> list = {(double) kRestartVersion, (double) seed, (double) events, (double) samples_total,
                              (double) (pending ? resample_step : -1), (double) (pending ? picks.size() : 0),
                              (double) (pending ? last->placed.size() : 0),
                              (double) (pending ? last->velocities.size() : 0)};
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
  if (version != 1 && version != kRestartVersion)
    error->all(FLERR, "Fix drift/boltzmann: restart data version {} is not supported (this build reads 1 and {})",
               version, kRestartVersion);
  if ((long) list[1] != seed && comm->me == 0)
    error->warning(FLERR, "Fix drift/boltzmann: the restart file was written with seed {}, this fix has seed {}: "
                          "continuing the counters with the new seed", (long) list[1], seed);
  events = (bigint) list[2];
  samples_total = (bigint) list[3];
  if (version < 2 || list[4] < 0) return;
  const size_t npicks = (size_t) list[5], nplaced = (size_t) list[6], nvel = (size_t) list[7];
  if (!resample)
    error->all(FLERR, "Fix drift/boltzmann: the restart file holds a resampling to place at step {}: keep 'reweight yes "
                      "resample yes' for the first run after it", (bigint) list[4]);
  resample_step = (bigint) list[4];
  const double *p = list + 8;
  picks.assign(npicks, 0);
  for (size_t k = 0; k < npicks; k++) picks[k] = (int64_t) p[k];
  last->placed.assign(p + npicks, p + npicks + nplaced);
  last->velocities.assign(p + npicks + nplaced, p + npicks + nplaced + nvel);
}
