#pragma once
// Energies and forces of conformations from LAMMPS itself, through its C library interface:
// the same force field the user's LAMMPS runs. Many conformations are evaluated at once as
// non-interacting copies of the molecule in one box (intermolecular pairs excluded).
#include <string>
#include <vector>

#include "drift/frames.hpp"
#include "drift/topology.hpp"

namespace drift {

struct LabellerSettings {
  std::string data_file;        // LAMMPS data file of the molecule (styles' coefficients inside)
  std::string forcefield_file;  // LAMMPS input with units/atom_style/*_style/special_bonds
  int batch = 512;              // copies evaluated per LAMMPS run
  std::vector<std::string> extra_commands;  // run after read_data (e.g. pair_coeff lines)
};

class LammpsLabeller {
 public:
  LammpsLabeller(const Topology& topo, const LabellerSettings& settings);
  ~LammpsLabeller();
  LammpsLabeller(const LammpsLabeller&) = delete;
  LammpsLabeller& operator=(const LammpsLabeller&) = delete;

  // Sets energy and forces of every conformation (potential energy of the molecule alone).
  void label(std::vector<Conformation>& confs);
  int batch() const { return batch_; }
  std::string lammps_version() const;

 private:
  void command(const std::string& cmd);
  void label_batch(Conformation* confs, int count);

  const Topology& topo_;
  LabellerSettings settings_;
  void* lmp_ = nullptr;
  int batch_ = 0;                 // molecule slots in the box
  std::vector<double> centres_;   // 3 per slot: where each slot's molecule sits
};

}  // namespace drift
