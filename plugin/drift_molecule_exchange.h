/* -*- c++ -*- ----------------------------------------------------------
   lammps-drift: the molecules of a group, each gathered whole on one rank and scattered back.
   Used by fix drift/boltzmann (docs/fix_drift_boltzmann.md, "Parallel layout") and compute drift/stein.
------------------------------------------------------------------------- */

#ifndef LMP_DRIFT_MOLECULE_EXCHANGE_H
#define LMP_DRIFT_MOLECULE_EXCHANGE_H

#include "pointers.h"

#include <cstdint>
#include <string>
#include <vector>

namespace LAMMPS_NS {

// The per-atom arrays gather() reads and scatter() writes (x, v, f: [nlocal][3], contiguous).
struct DriftAtomArrays {
  const int *mask = nullptr;
  const tagint *tag = nullptr;
  const tagint *molecule = nullptr;
  const int *type = nullptr;
  double *x = nullptr;
  double *v = nullptr;
  const double *f = nullptr;
  imageint *image = nullptr;
};

// Where those arrays live. Without one, DriftMoleculeExchange uses LAMMPS' host arrays (atom->x, ...);
// fix drift/boltzmann/kk gives atomKK's views of its execution space, synchronised before they are
// read and marked modified after they are written (fix_drift_boltzmann_kokkos.h).
class DriftAtomAccess {
 public:
  virtual ~DriftAtomAccess() = default;
  // Arrays current for `read` and writable for `write` (atom_masks.h bits) until the next call.
  virtual DriftAtomArrays arrays(unsigned int read, unsigned int write) = 0;
  // scatter() wrote `written` (atom_masks.h bits) through the last arrays().
  virtual void modified(unsigned int written) = 0;
};

// A molecule belongs to the rank that owns its lowest-ID atom. A molecule whose atoms all live on
// one rank costs no communication; the fragments of a molecule that straddles subdomains travel to
// its owner (and back) through LAMMPS' Irregular exchange, after a rendezvous on the molecule ID
// finds the owner. Per rank, memory and traffic follow its own atoms and straddlers, never the
// size of the group.
class DriftMoleculeExchange : protected Pointers {
 public:
  // What gather() collects per atom besides the positions.
  struct Fields {
    bool forces = false;
    const double *peratom = nullptr;  // a per-atom scalar (e.g. compute pe/atom's vector), or none
  };

  // model_label names the model in errors ("the model <label> generates N"); style begins every
  // error message. natoms_mol 0: molecules of any size (every molecule's fragments meet at the
  // rendezvous, so a molecule whole on one rank costs one small datum per gather; offsets() says
  // where each molecule's atoms are).
  DriftMoleculeExchange(class LAMMPS *, int groupbit, int natoms_mol, const std::string &model_label,
                        const std::string &style = "Fix drift/boltzmann");

  // Reads and writes the atoms through `access` from now on (nullptr: LAMMPS' host arrays). Not owned.
  void set_atom_access(DriftAtomAccess *access) { access_ = access; }

  // Atoms outside the group whose molecule has atoms in the group (0: the group holds whole
  // molecules). Collective, same value on every rank.
  bigint atoms_outside_group();

  // Finds the molecules this rank owns now and gathers each whole: atoms by ID ascending (the
  // model's order), positions unwrapped and made whole around the first atom. Collective. A
  // molecule of the group with other than natoms_mol atoms (when not 0) is an error (error->one
  // naming it).
  void gather(const Fields &fields);

  int64_t count() const { return (int64_t) ids_.size(); }
  const std::vector<tagint> &ids() const { return ids_; }      // ascending
  // Molecule k's atoms are atoms offsets()[k] .. offsets()[k + 1] - 1 of tags(), types(), x() (times
  // 3), f() (times 3) and peratom(): k * natoms_mol with a fixed size. [count + 1]
  const std::vector<int64_t> &offsets() const { return offsets_; }
  const std::vector<tagint> &tags() const { return tags_; }    // [count * natoms]
  const std::vector<int> &types() const { return types_; }     // [count * natoms]
  const std::vector<double> &x() const { return x_; }          // [count * natoms * 3]
  const std::vector<double> &f() const { return f_; }          // [count * natoms * 3] with forces
  const std::vector<double> &peratom() const { return peratom_; }  // [count * natoms] with peratom

  // Moves every atom of the molecules of the last gather() to `placed` ([count * natoms * 3], the
  // gathered order), image flags reset so the coordinates are unwrapped ones, and, when given,
  // sets `velocities`. Collective; atoms must not have migrated since gather().
  void scatter(const double *placed, const double *velocities);

  // Rows of `width` values, one per molecule ID, from every rank onto rank 0, sorted by ID there
  // (ids_all, rows_all are filled on rank 0 only). For the checks that need the whole batch on one
  // rank (Stein weights, the samples file): O(group) memory on rank 0 alone. Collective.
  void rows_to_root(const std::vector<tagint> &ids, const std::vector<double> &rows, int width,
                    std::vector<tagint> &ids_all, std::vector<double> &rows_all);
  // The reverse: rank 0 holds rows_all for ids_all (ascending); every rank receives the rows of its
  // `ids` in their order. Collective; an ID rank 0 does not hold is an error.
  void rows_from_root(const std::vector<tagint> &ids_all, const std::vector<double> &rows_all, int width,
                      const std::vector<tagint> &ids, std::vector<double> &rows);

  // Communication counters (datums sent to other ranks, in bytes): the last gather() plus the
  // scatter() after it, and the total since construction.
  int64_t bytes_sent_last() const { return bytes_last_; }
  int64_t bytes_sent_total() const { return bytes_total_; }
  int64_t straddlers_last() const { return straddlers_last_; }  // owned molecules with remote atoms

 private:
  int groupbit_, natoms_;
  std::string model_label_, style_;
  std::vector<tagint> ids_, tags_;
  std::vector<int64_t> offsets_;
  std::vector<int> types_;
  std::vector<double> x_, f_, peratom_;
  // For each gathered atom: its local index, or -1 when it lives on remote_rank_.
  std::vector<int> local_index_, remote_rank_;
  int64_t bytes_last_ = 0, bytes_total_ = 0, straddlers_last_ = 0;
  DriftAtomAccess *access_ = nullptr;

  DriftAtomArrays atom_arrays(unsigned int read, unsigned int write);

  void count_bytes(int64_t bytes) { bytes_last_ += bytes; bytes_total_ += bytes; }
  bigint ids_to_root(const std::vector<tagint> &ids, std::vector<int> &counts, std::vector<tagint> &ids_in);
  template <typename Datum>
  int exchange(std::vector<Datum> &send, const std::vector<int> &procs, std::vector<Datum> &recv);
};

}    // namespace LAMMPS_NS

#endif
