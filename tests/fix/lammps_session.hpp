#pragma once
// A LAMMPS instance with lammps-drift's styles registered, for in-process fix tests. Errors
// surface as LAMMPSException (Debian's liblammps is built with LAMMPS_EXCEPTIONS).
#include "atom.h"
#include "exceptions.h"
#include "input.h"
#include "lammps.h"
#include "modify.h"

#include <gtest/gtest.h>
#include <mpi.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "drift_styles.h"

namespace drift_test {

inline std::string source_dir() { return DRIFT_SOURCE_DIR; }
inline std::string test_model() { return source_dir() + "/potentials/ethanol-fi-dist.pt"; }

class LammpsSession {
 public:
  LammpsSession() {
    const char* args[] = {"lmp", "-log", "none", "-screen", "none", "-echo", "none", "-nocite"};
    std::vector<char*> argv;
    for (auto* a : args) argv.push_back(const_cast<char*>(a));
    lmp_ = std::make_unique<LAMMPS_NS::LAMMPS>(static_cast<int>(argv.size()), argv.data(), MPI_COMM_WORLD);
    LAMMPS_NS::drift_register_styles(lmp_.get());
  }
  LAMMPS_NS::LAMMPS* lmp() { return lmp_.get(); }
  // Runs commands (one per line); @SOURCE@ becomes the repository root.
  void run(const std::string& commands) {
    std::istringstream in(commands);
    std::string line;
    while (std::getline(in, line)) {
      for (size_t p; (p = line.find("@SOURCE@")) != std::string::npos;) line.replace(p, 8, source_dir());
      if (line.find_first_not_of(" \t") == std::string::npos) continue;
      lmp_->input->one(line);
      // 'clear' rebuilds the style maps on this LAMMPS version
      if (line.rfind("clear", 0) == 0) LAMMPS_NS::drift_register_styles(lmp_.get());
    }
  }
  // Runs commands and returns the error message ("" when none).
  std::string error_of(const std::string& commands) {
    try {
      run(commands);
    } catch (LAMMPS_NS::LAMMPSAbortException& e) {
      return e.what();  // what(), not message: protected in LAMMPS since 2023
    } catch (LAMMPS_NS::LAMMPSException& e) {
      return e.what();
    }
    return "";
  }
  // The standard ethanol box: 2x2x1 copies, intermolecular pairs excluded.
  void ethanol_box(int nx = 2, int ny = 2, int nz = 1) {
    run("include @SOURCE@/examples/ethanol/forcefield.lmp\n"
        "read_data @SOURCE@/examples/ethanol/ethanol.data\n"
        "replicate " + std::to_string(nx) + " " + std::to_string(ny) + " " + std::to_string(nz) + "\n"
        "neigh_modify exclude molecule/inter all\n");
  }
  std::vector<double> positions_by_tag() {
    auto* atom = lmp_->atom;
    std::vector<double> out(3 * atom->natoms, 0.0), all(out.size());
    for (int i = 0; i < atom->nlocal; i++)
      for (int d = 0; d < 3; d++) out[3 * (atom->tag[i] - 1) + d] = atom->x[i][d];
    MPI_Allreduce(out.data(), all.data(), static_cast<int>(out.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    return all;
  }

 private:
  std::unique_ptr<LAMMPS_NS::LAMMPS> lmp_;
};

}  // namespace drift_test
