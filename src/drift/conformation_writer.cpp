#include "drift/conformation_writer.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>

#include "drift/extxyz.hpp"
#include "drift/lammps_dump.hpp"

namespace drift {

void write_conformation_extxyz(std::ostream& out, const Topology& topo, const Conformation& c, const std::string& units) {
  XyzFrame f;
  f.units = units;
  f.species = topo.elements;
  f.x = c.x;
  f.f = c.f;
  f.has_energy = c.has_energy();
  f.energy = c.has_energy() ? c.energy : 0.0;
  if (c.has_weight()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.10g", c.weight);
    f.info["weight"] = buf;
  }
  write_extxyz_frame(out, f);
}

void write_conformations_dump(std::ostream& out, const Topology& topo, const std::vector<Conformation>& confs,
                              long timestep) {
  AtomFrame f;
  f.timestep = timestep;
  f.unwrapped = true;
  const int n = topo.n_atoms;
  const bool forces = std::all_of(confs.begin(), confs.end(), [](const Conformation& c) { return c.has_forces(); });
  const bool energy = std::all_of(confs.begin(), confs.end(), [](const Conformation& c) { return c.has_energy(); });
  const bool weight = !confs.empty() &&
                      std::all_of(confs.begin(), confs.end(), [](const Conformation& c) { return c.has_weight(); });
  for (int d = 0; d < 3; ++d) {
    f.box.lo[d] = std::numeric_limits<double>::max();
    f.box.hi[d] = std::numeric_limits<double>::lowest();
  }
  for (size_t m = 0; m < confs.size(); ++m)
    for (int a = 0; a < n; ++a) {
      f.ids.push_back(static_cast<long>(m) * n + a + 1);
      f.mols.push_back(static_cast<long>(m) + 1);
      f.types.push_back(topo.types[a]);
      for (int d = 0; d < 3; ++d) {
        const double v = confs[m].x[3 * a + d];
        f.x.push_back(v);
        f.box.lo[d] = std::min(f.box.lo[d], v - 1.0);
        f.box.hi[d] = std::max(f.box.hi[d], v + 1.0);
        if (forces) f.f.push_back(confs[m].f[3 * a + d]);
      }
      if (energy) f.pe.push_back(confs[m].energy / n);
      if (weight) f.weight.push_back(confs[m].weight);
    }
  if (confs.empty())
    for (int d = 0; d < 3; ++d) {
      f.box.lo[d] = 0;
      f.box.hi[d] = 1;
    }
  write_dump_frame(out, f);
}

}  // namespace drift
