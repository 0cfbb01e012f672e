#include "drift/lammps_labeller.hpp"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include <mpi.h>

#define LAMMPS_LIB_MPI
#include <library.h>

namespace drift {

namespace {
bool readable(const std::string& path) { return std::ifstream(path).good(); }
}  // namespace

LammpsLabeller::LammpsLabeller(const Topology& topo, const LabellerSettings& settings)
    : topo_(topo), settings_(settings) {
  if (!readable(settings.data_file)) throw std::runtime_error(settings.data_file + ": cannot read the LAMMPS data file");
  if (!readable(settings.forcefield_file))
    throw std::runtime_error(settings.forcefield_file + ": cannot read the force-field input");
  const char* args[] = {"drift-labeller", "-log", "none", "-screen", "none", "-nocite"};
  // One LAMMPS per process, on its own: under mpirun (data-parallel drift-train) every rank labels
  // its own conformations, which a LAMMPS spread over MPI_COMM_WORLD would mix up.
  int mpi_ready = 0;
  MPI_Initialized(&mpi_ready);
  if (!mpi_ready) MPI_Init(nullptr, nullptr);
  lmp_ = lammps_open(6, const_cast<char**>(args), MPI_COMM_SELF, nullptr);
  if (!lmp_) throw std::runtime_error("cannot start LAMMPS through its library interface");

  int per_side = std::max(1, static_cast<int>(std::ceil(std::cbrt(static_cast<double>(settings.batch)))));
  command("include \"" + settings.forcefield_file + "\"");
  command("read_data \"" + settings.data_file + "\"");
  for (const auto& c : settings.extra_commands) command(c);
  const double natoms_data = lammps_get_natoms(lmp_);
  if (static_cast<int>(natoms_data) != topo.n_atoms)
    throw std::runtime_error(settings.data_file + ": the labeller needs a data file with exactly one molecule (" +
                             std::to_string(topo.n_atoms) + " atoms), found " + std::to_string(natoms_data) + " atoms");
  command("replicate " + std::to_string(per_side) + " " + std::to_string(per_side) + " " + std::to_string(per_side));
  command("neigh_modify exclude molecule/inter all");
  command("compute drift_label_pe all pe/atom");
  command("thermo_style custom step pe");
  batch_ = per_side * per_side * per_side;

  // Where each copy sits: the centroid of its atoms after replicate (atom IDs are contiguous per copy).
  const int n = topo.n_atoms;
  std::vector<double> x(3 * static_cast<size_t>(n) * batch_);
  lammps_gather_atoms(lmp_, const_cast<char*>("x"), 1, 3, x.data());
  centres_.assign(3 * batch_, 0.0);
  for (int m = 0; m < batch_; ++m)
    for (int a = 0; a < n; ++a)
      for (int d = 0; d < 3; ++d) centres_[3 * m + d] += x[3 * (static_cast<size_t>(m) * n + a) + d] / n;
  std::vector<int> types(static_cast<size_t>(n) * batch_);
  lammps_gather_atoms(lmp_, const_cast<char*>("type"), 0, 1, types.data());
  for (int m = 0; m < batch_; ++m)
    for (int a = 0; a < n; ++a)
      if (types[static_cast<size_t>(m) * n + a] != topo.types[a])
        throw std::runtime_error(settings.data_file + ": atom order of the replicated box does not match the molecule");
}

LammpsLabeller::~LammpsLabeller() {
  if (lmp_) lammps_close(lmp_);
}

std::string LammpsLabeller::lammps_version() const { return std::to_string(::lammps_version(lmp_)); }

void LammpsLabeller::command(const std::string& cmd) {
  lammps_command(lmp_, cmd.c_str());
  if (lammps_has_error(lmp_)) {
    char buf[1024];
    lammps_get_last_error_message(lmp_, buf, sizeof buf);
    throw std::runtime_error("LAMMPS command '" + cmd + "' failed: " + buf);
  }
}

void LammpsLabeller::label(std::vector<Conformation>& confs) {
  for (size_t start = 0; start < confs.size(); start += batch_) {
    const int count = static_cast<int>(std::min<size_t>(batch_, confs.size() - start));
    label_batch(confs.data() + start, count);
  }
}

void LammpsLabeller::label_batch(Conformation* confs, int count) {
  const int n = topo_.n_atoms;
  const size_t total = static_cast<size_t>(n) * batch_;
  std::vector<double> x(3 * total);
  lammps_gather_atoms(lmp_, const_cast<char*>("x"), 1, 3, x.data());
  for (int m = 0; m < count; ++m) {
    // Centre each conformation on its slot so copies never wrap into each other.
    double c[3] = {0, 0, 0};
    for (int a = 0; a < n; ++a)
      for (int d = 0; d < 3; ++d) c[d] += confs[m].x[3 * a + d] / n;
    for (int a = 0; a < n; ++a)
      for (int d = 0; d < 3; ++d)
        x[3 * (static_cast<size_t>(m) * n + a) + d] = confs[m].x[3 * a + d] - c[d] + centres_[3 * m + d];
  }
  // Unused slots keep whatever they hold; their results are ignored.
  lammps_scatter_atoms(lmp_, const_cast<char*>("x"), 1, 3, x.data());
  std::vector<int> image(total);
  for (auto& im : image) im = lammps_encode_image_flags(0, 0, 0);
  lammps_scatter_atoms(lmp_, const_cast<char*>("image"), 0, 1, image.data());
  command("run 0 post no");
  std::vector<double> f(3 * total), pe(total);
  lammps_gather_atoms(lmp_, const_cast<char*>("f"), 1, 3, f.data());
  lammps_gather(lmp_, const_cast<char*>("c_drift_label_pe"), 1, 1, pe.data());
  for (int m = 0; m < count; ++m) {
    double e = 0;
    confs[m].f.resize(3 * n);
    for (int a = 0; a < n; ++a) {
      const size_t k = static_cast<size_t>(m) * n + a;
      e += pe[k];
      for (int d = 0; d < 3; ++d) confs[m].f[3 * a + d] = f[3 * k + d];
    }
    confs[m].energy = e;
  }
}

}  // namespace drift
