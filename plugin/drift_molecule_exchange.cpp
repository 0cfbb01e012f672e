/* ----------------------------------------------------------------------
   lammps-drift: molecules gathered whole on their owners (see drift_molecule_exchange.h)
------------------------------------------------------------------------- */

#include "drift_molecule_exchange.h"

#include "atom.h"
#include "atom_masks.h"
#include "comm.h"
#include "domain.h"
#include "error.h"
#include "irregular.h"

#include <algorithm>
#include <limits>
#include <mpi.h>

using namespace LAMMPS_NS;

namespace {
// A rank's part of a straddling molecule, sent to the molecule's rendezvous rank.
struct Fragment {
  tagint mol, lowest;
  int count, rank;
};
struct Owner {
  tagint mol;
  int owner;
};
struct AtomDatum {
  tagint mol, tag;
  int type, rank;
  double x[3], f[3], peratom;
};
struct PlacedDatum {
  tagint tag;
  double x[3], v[3];
};
// One atom of an owned molecule: where it lives and what was gathered.
struct Record {
  tagint mol, tag;
  int type, local, rank;
  double x[3], f[3], peratom;
};
}    // namespace

DriftMoleculeExchange::DriftMoleculeExchange(LAMMPS *lmp, int groupbit, int natoms_mol, const std::string &model_label,
                                             const std::string &style) :
    Pointers(lmp), groupbit_(groupbit), natoms_(natoms_mol), model_label_(model_label), style_(style)
{
}

DriftAtomArrays DriftMoleculeExchange::atom_arrays(unsigned int read, unsigned int write)
{
  if (access_) return access_->arrays(read, write);
  DriftAtomArrays arr;
  arr.mask = atom->mask;
  arr.tag = atom->tag;
  arr.molecule = atom->molecule;
  arr.type = atom->type;
  arr.x = atom->x ? atom->x[0] : nullptr;
  arr.v = atom->v ? atom->v[0] : nullptr;
  arr.f = atom->f ? atom->f[0] : nullptr;
  arr.image = atom->image;
  return arr;
}

bigint DriftMoleculeExchange::atoms_outside_group()
{
  const DriftAtomArrays arr = atom_arrays(MASK_MASK | MOLECULE_MASK, 0);
  struct Tally {
    tagint mol;
    int inside, outside;
  };
  std::vector<std::pair<tagint, bool>> local;
  for (int i = 0; i < atom->nlocal; i++)
    if (arr.molecule[i] != 0) local.push_back({arr.molecule[i], (arr.mask[i] & groupbit_) != 0});
  std::sort(local.begin(), local.end());
  std::vector<Tally> tallies;
  std::vector<int> homes;
  for (const auto &[mol, inside] : local) {
    if (tallies.empty() || tallies.back().mol != mol) {
      tallies.push_back({mol, 0, 0});
      homes.push_back((int) (mol % comm->nprocs));
    }
    (inside ? tallies.back().inside : tallies.back().outside)++;
  }
  std::vector<Tally> at_home;
  exchange(tallies, homes, at_home);
  std::sort(at_home.begin(), at_home.end(), [](const Tally &a, const Tally &b) { return a.mol < b.mol; });
  bigint outside = 0, outside_all = 0;
  for (size_t a = 0; a < at_home.size();) {
    size_t b = a;
    int inside = 0, out = 0;
    for (; b < at_home.size() && at_home[b].mol == at_home[a].mol; b++) inside += at_home[b].inside, out += at_home[b].outside;
    if (inside > 0) outside += out;
    a = b;
  }
  MPI_Allreduce(&outside, &outside_all, 1, MPI_LMP_BIGINT, MPI_SUM, world);
  return outside_all;
}

namespace {
std::vector<int> displacements(const std::vector<int> &counts)
{
  std::vector<int> d(counts.size(), 0);
  for (size_t p = 1; p < counts.size(); p++) d[p] = d[p - 1] + counts[p - 1];
  return d;
}
}    // namespace

// Every rank's IDs onto rank 0, in rank order (ids_in there), with each rank's count; the total.
bigint DriftMoleculeExchange::ids_to_root(const std::vector<tagint> &ids, std::vector<int> &counts,
                                          std::vector<tagint> &ids_in)
{
  const int mine = (int) ids.size();
  counts.assign(comm->nprocs, 0);
  MPI_Gather(&mine, 1, MPI_INT, counts.data(), 1, MPI_INT, 0, world);
  bigint total = 0;
  for (int c : counts) total += c;
  ids_in.assign(comm->me == 0 ? total : 0, 0);
  MPI_Gatherv(ids.data(), mine, MPI_LMP_TAGINT, ids_in.data(), counts.data(), displacements(counts).data(),
              MPI_LMP_TAGINT, 0, world);
  return total;
}

void DriftMoleculeExchange::rows_to_root(const std::vector<tagint> &ids, const std::vector<double> &rows, int width,
                                         std::vector<tagint> &ids_all, std::vector<double> &rows_all)
{
  const int mine = (int) ids.size();
  std::vector<int> counts;
  std::vector<tagint> ids_in;
  const bigint total = ids_to_root(ids, counts, ids_in);
  if (comm->me == 0 && total * (bigint) std::max(width, 1) > (bigint) std::numeric_limits<int>::max())
    error->one(FLERR, "{}: {} molecules x {} values exceed what one MPI gather carries onto rank 0: "
                      "use fewer molecules per fix for reweight and the samples file", style_, total, width);
  std::vector<int> value_counts(counts);
  for (int &c : value_counts) c *= width;
  std::vector<double> rows_in(comm->me == 0 ? total * width : 0);
  MPI_Gatherv(rows.data(), mine * width, MPI_DOUBLE, rows_in.data(), value_counts.data(),
              displacements(value_counts).data(), MPI_DOUBLE, 0, world);
  if (comm->me != 0) {
    count_bytes((int64_t) mine * ((int64_t) sizeof(tagint) + (int64_t) width * (int64_t) sizeof(double)));
    ids_all.clear();
    rows_all.clear();
    return;
  }
  std::vector<size_t> order(total);
  for (size_t k = 0; k < order.size(); k++) order[k] = k;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids_in[a] < ids_in[b]; });
  ids_all.resize(total);
  rows_all.resize(total * width);
  for (size_t k = 0; k < order.size(); k++) {
    ids_all[k] = ids_in[order[k]];
    std::copy(rows_in.begin() + order[k] * width, rows_in.begin() + (order[k] + 1) * width, rows_all.begin() + k * width);
  }
}

void DriftMoleculeExchange::rows_from_root(const std::vector<tagint> &ids_all, const std::vector<double> &rows_all,
                                           int width, const std::vector<tagint> &ids, std::vector<double> &rows)
{
  const int mine = (int) ids.size();
  std::vector<int> counts;
  std::vector<tagint> wanted;
  const bigint total = ids_to_root(ids, counts, wanted);
  std::vector<double> send;
  int missing = 0;
  tagint missing_id = 0;
  if (comm->me == 0) {
    if (total * (bigint) std::max(width, 1) > (bigint) std::numeric_limits<int>::max())
      error->one(FLERR, "{}: {} molecules x {} values exceed what one MPI scatter carries from rank 0", style_,
                 total, width);
    send.resize(total * width);
    for (bigint k = 0; k < total; k++) {
      const auto it = std::lower_bound(ids_all.begin(), ids_all.end(), wanted[k]);
      if (it == ids_all.end() || *it != wanted[k]) {
        missing++;
        missing_id = wanted[k];
        continue;
      }
      const size_t row = it - ids_all.begin();
      std::copy(rows_all.begin() + row * width, rows_all.begin() + (row + 1) * width, send.begin() + k * width);
    }
  }
  MPI_Bcast(&missing, 1, MPI_INT, 0, world);
  MPI_Bcast(&missing_id, 1, MPI_LMP_TAGINT, 0, world);
  if (missing)
    error->all(FLERR, "{}: {} molecules (e.g. ID {}) have no pending data: the group changed since it "
                      "was drawn", style_, missing, missing_id);
  std::vector<int> value_counts(counts);
  for (int &c : value_counts) c *= width;
  rows.resize((size_t) mine * width);
  MPI_Scatterv(send.data(), value_counts.data(), displacements(value_counts).data(), MPI_DOUBLE, rows.data(),
               mine * width, MPI_DOUBLE, 0, world);
  const int64_t bytes = comm->me == 0 ? (int64_t) (total - mine) * width * (int64_t) sizeof(double)
                                      : (int64_t) mine * (int64_t) sizeof(tagint);
  count_bytes(bytes);
}

template <typename Datum>
int DriftMoleculeExchange::exchange(std::vector<Datum> &send, const std::vector<int> &procs, std::vector<Datum> &recv)
{
  Irregular irregular(lmp);
  std::vector<int> destinations(procs);
  // sortflag 1: received datums ordered by sender, so every later step is deterministic.
  const int nrecv = irregular.create_data((int) send.size(), destinations.data(), 1);
  recv.resize(nrecv);
  irregular.exchange_data((char *) send.data(), (int) sizeof(Datum), (char *) recv.data());
  irregular.destroy_data();
  int64_t bytes = 0;
  for (int p : procs)
    if (p != comm->me) bytes += (int64_t) sizeof(Datum);
  count_bytes(bytes);
  return nrecv;
}

void DriftMoleculeExchange::gather(const Fields &fields)
{
  bytes_last_ = 0;
  straddlers_last_ = 0;
  const int me = comm->me, nprocs = comm->nprocs;
  const int nlocal = atom->nlocal;
  const int n = natoms_;
  const DriftAtomArrays arr =
      atom_arrays(MASK_MASK | MOLECULE_MASK | TAG_MASK | TYPE_MASK | X_MASK | IMAGE_MASK | (fields.forces ? F_MASK : 0), 0);

  // This rank's group atoms by (molecule, ID).
  struct LocalAtom {
    tagint mol, tag;
    int i;
  };
  std::vector<LocalAtom> local;
  local.reserve(nlocal);
  for (int i = 0; i < nlocal; i++)
    if (arr.mask[i] & groupbit_) local.push_back({arr.molecule[i], arr.tag[i], i});
  std::sort(local.begin(), local.end(),
            [](const LocalAtom &a, const LocalAtom &b) { return a.mol != b.mol ? a.mol < b.mol : a.tag < b.tag; });

  // Molecules whole on this rank (ranges of `local`) and fragments of straddlers.
  std::vector<size_t> complete;    // first index in `local` of each whole molecule
  std::vector<std::pair<size_t, size_t>> partial;
  std::vector<Fragment> fragments;
  std::vector<int> homes;
  for (size_t a = 0; a < local.size();) {
    size_t b = a;
    while (b < local.size() && local[b].mol == local[a].mol) b++;
    const tagint mol = local[a].mol;
    const int count = (int) (b - a);
    if (n > 0 && count > n)
      error->one(FLERR, "{}: molecule {} has {} atoms, the model {} generates {}: use a group of molecules "
                        "of the model's kind", style_, mol, count, model_label_, n);
    // Without a fixed size a rank cannot tell a whole molecule from a fragment: all meet at the rendezvous.
    if (n > 0 && count == n) {
      complete.push_back(a);
    } else {
      partial.push_back({a, b});
      fragments.push_back({mol, local[a].tag, count, me});
      homes.push_back((int) (mol % nprocs));
    }
    a = b;
  }

  // Rendezvous on the molecule ID: the rank holding the lowest atom ID owns the molecule.
  std::vector<Fragment> at_home;
  exchange(fragments, homes, at_home);
  std::sort(at_home.begin(), at_home.end(),
            [](const Fragment &a, const Fragment &b) { return a.mol != b.mol ? a.mol < b.mol : a.lowest < b.lowest; });
  std::vector<Owner> replies;
  std::vector<int> reply_ranks;
  for (size_t a = 0; a < at_home.size();) {
    size_t b = a;
    int total = 0;
    while (b < at_home.size() && at_home[b].mol == at_home[a].mol) total += at_home[b++].count;
    if (n > 0 && total != n)
      error->one(FLERR, "{}: molecule {} has {} atoms, the model {} generates {}: use a group of molecules "
                        "of the model's kind (and keep its atoms: none may be lost or deleted)", style_, at_home[a].mol, total,
                 model_label_, n);
    for (size_t k = a; k < b; k++) {
      replies.push_back({at_home[k].mol, at_home[a].rank});
      reply_ranks.push_back(at_home[k].rank);
    }
    a = b;
  }
  std::vector<Owner> owners;
  exchange(replies, reply_ranks, owners);
  std::sort(owners.begin(), owners.end(), [](const Owner &a, const Owner &b) { return a.mol < b.mol; });

  // Fragments travel to their owners; the owner's own fragments become records with the rest.
  auto record = [&](int i) {
    Record r{arr.molecule[i], arr.tag[i], arr.type[i], i, me, {0, 0, 0}, {0, 0, 0}, 0};
    domain->unmap(&arr.x[3 * i], arr.image[i], r.x);
    if (fields.forces)
      for (int c = 0; c < 3; c++) r.f[c] = arr.f[3 * i + c];
    if (fields.peratom) r.peratom = fields.peratom[i];
    return r;
  };
  std::vector<Record> records;    // atoms of the straddlers this rank owns
  std::vector<AtomDatum> outgoing, incoming;
  std::vector<int> destinations;
  for (const auto &[a, b] : partial) {
    const tagint mol = local[a].mol;
    const auto it = std::lower_bound(owners.begin(), owners.end(), mol,
                                     [](const Owner &o, tagint m) { return o.mol < m; });
    if (it == owners.end() || it->mol != mol)
      error->one(FLERR, "{}: internal error: no owner for molecule {}", style_, mol);
    for (size_t k = a; k < b; k++) {
      const Record r = record(local[k].i);
      if (it->owner == me) {
        records.push_back(r);
      } else {
        outgoing.push_back({r.mol, r.tag, r.type, me, {r.x[0], r.x[1], r.x[2]}, {r.f[0], r.f[1], r.f[2]}, r.peratom});
        destinations.push_back(it->owner);
      }
    }
  }
  exchange(outgoing, destinations, incoming);
  for (const auto &d : incoming)
    records.push_back({d.mol, d.tag, d.type, -1, d.rank, {d.x[0], d.x[1], d.x[2]}, {d.f[0], d.f[1], d.f[2]}, d.peratom});
  std::sort(records.begin(), records.end(),
            [](const Record &a, const Record &b) { return a.mol != b.mol ? a.mol < b.mol : a.tag < b.tag; });
  // Owned molecules gathered through the rendezvous (straddlers, and every molecule without a fixed
  // size): the first record of each.
  std::vector<size_t> starts;
  for (size_t r = 0; r < records.size(); r++)
    if (r == 0 || records[r].mol != records[r - 1].mol) starts.push_back(r);
  starts.push_back(records.size());
  const size_t owned_gathered = starts.size() - 1;
  int64_t straddlers = 0;
  for (size_t g = 0; g < owned_gathered; g++) {
    const size_t size = starts[g + 1] - starts[g];
    if (n > 0 && size != (size_t) n)
      error->one(FLERR, "{}: internal error: molecule {} gathered with {} atoms, not {}", style_, records[starts[g]].mol,
                 size, n);
    for (size_t r = starts[g]; r < starts[g + 1]; r++)
      if (records[r].rank != me) {
        straddlers++;
        break;
      }
  }
  straddlers_last_ = straddlers;

  // Whole molecules and gathered ones, merged by molecule ID.
  const size_t count = complete.size() + owned_gathered;
  const size_t atoms = complete.size() * (size_t) n + records.size();
  ids_.resize(count);
  offsets_.resize(count + 1);
  tags_.resize(atoms);
  types_.resize(atoms);
  x_.resize(3 * atoms);
  f_.assign(fields.forces ? 3 * atoms : 0, 0.0);
  peratom_.assign(fields.peratom ? atoms : 0, 0.0);
  local_index_.resize(atoms);
  remote_rank_.resize(atoms);
  size_t ci = 0, si = 0, s0 = 0;
  for (size_t k = 0; k < count; k++) {
    const bool from_complete = si == owned_gathered ||
                               (ci < complete.size() && local[complete[ci]].mol < records[starts[si]].mol);
    offsets_[k] = (int64_t) s0;
    size_t size = 0;
    if (from_complete) {
      const size_t a = complete[ci++];
      size = n;
      ids_[k] = local[a].mol;
      for (size_t j = 0; j < size; j++) {
        const int i = local[a + j].i;
        const size_t s = s0 + j;
        tags_[s] = local[a + j].tag;
        types_[s] = arr.type[i];
        local_index_[s] = i;
        remote_rank_[s] = me;
        domain->unmap(&arr.x[3 * i], arr.image[i], &x_[3 * s]);
        if (fields.forces)
          for (int c = 0; c < 3; c++) f_[3 * s + c] = arr.f[3 * i + c];
        if (fields.peratom) peratom_[s] = fields.peratom[i];
      }
    } else {
      const Record *r = &records[starts[si]];
      size = starts[si + 1] - starts[si];
      si++;
      ids_[k] = r[0].mol;
      for (size_t j = 0; j < size; j++) {
        const size_t s = s0 + j;
        tags_[s] = r[j].tag;
        types_[s] = r[j].type;
        local_index_[s] = r[j].local;
        remote_rank_[s] = r[j].rank;
        for (int c = 0; c < 3; c++) x_[3 * s + c] = r[j].x[c];
        if (fields.forces)
          for (int c = 0; c < 3; c++) f_[3 * s + c] = r[j].f[c];
        if (fields.peratom) peratom_[s] = r[j].peratom;
      }
    }
    // Whole around the first atom: unwrapped coordinates may still differ by box vectors.
    const double *first = &x_[3 * s0];
    for (size_t j = 1; j < size; j++) {
      double *b = &x_[3 * (s0 + j)];
      double d[3] = {b[0] - first[0], b[1] - first[1], b[2] - first[2]};
      domain->minimum_image(d[0], d[1], d[2]);
      for (int c = 0; c < 3; c++) b[c] = first[c] + d[c];
    }
    s0 += size;
  }
  offsets_[count] = (int64_t) s0;
}

void DriftMoleculeExchange::scatter(const double *placed, const double *velocities)
{
  const unsigned int written = X_MASK | IMAGE_MASK | (velocities ? V_MASK : 0);
  const DriftAtomArrays arr = atom_arrays(0, written);
  double *x = arr.x;
  double *v = arr.v;
  imageint *image = arr.image;
  const int nlocal = atom->nlocal;
  const imageint centre_image = ((imageint) IMGMAX << IMG2BITS) | ((imageint) IMGMAX << IMGBITS) | IMGMAX;
  auto put = [&](int i, const double *xs, const double *vs) {
    for (int c = 0; c < 3; c++) x[3 * i + c] = xs[c];
    image[i] = centre_image;
    domain->remap(&x[3 * i], image[i]);
    if (vs)
      for (int c = 0; c < 3; c++) v[3 * i + c] = vs[c];
  };
  std::vector<PlacedDatum> outgoing, incoming;
  std::vector<int> destinations;
  for (size_t s = 0; s < local_index_.size(); s++) {
    const double *vs = velocities ? velocities + 3 * s : nullptr;
    if (local_index_[s] >= 0) {
      put(local_index_[s], placed + 3 * s, vs);
      continue;
    }
    PlacedDatum d{tags_[s], {placed[3 * s], placed[3 * s + 1], placed[3 * s + 2]}, {0, 0, 0}};
    if (vs)
      for (int c = 0; c < 3; c++) d.v[c] = vs[c];
    outgoing.push_back(d);
    destinations.push_back(remote_rank_[s]);
  }
  exchange(outgoing, destinations, incoming);
  for (const auto &d : incoming) {
    const int i = atom->map(d.tag);
    if (i < 0 || i >= nlocal)
      error->one(FLERR, "{}: internal error: atom {} left this rank before its sample was placed", style_, d.tag);
    put(i, d.x, velocities ? d.v : nullptr);
  }
  if (access_) access_->modified(written);
}
