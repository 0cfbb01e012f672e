// YAML-reference tests in the style of LAMMPS' unittest/force-styles: every file in
// tests/fix/references runs its commands for run_steps steps, and positions, velocities and the
// fix's global vector must match the stored reference within a relative epsilon, both
// uninterrupted and across write_restart / clear / read_restart at half time.
// Regenerate the references after an intended change:
//   DRIFT_REGENERATE=1 drift_fix_tests --gtest_filter='FixReference*'
// (the run rewrites them and fails, so that a regeneration is never taken for a pass).
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include "fix.h"
#include "lammps_session.hpp"
#include "version.h"

#include "../test_util.hpp"

using drift_test::LammpsSession;

namespace {

struct State {
  std::vector<double> pos, vel;  // by tag
  // events, samples, mean energy, valid fraction, T_conf/T, KSD^2, its SE, ESS/n, weighted and
  // resampled T_conf/T (not the timings)
  std::vector<double> vector;
};

State capture(LammpsSession& s) {
  State st;
  st.pos = s.positions_by_tag();
  auto* atom = s.lmp()->atom;
  std::vector<double> v(3 * atom->natoms, 0.0);
  st.vel.resize(v.size());
  for (int i = 0; i < atom->nlocal; i++)
    for (int d = 0; d < 3; d++) v[3 * (atom->tag[i] - 1) + d] = atom->v[i][d];
  MPI_Allreduce(v.data(), st.vel.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
  auto* modify = s.lmp()->modify;
  auto* fix = modify->fix[modify->find_fix("test")];
  for (int k : {0, 1, 2, 3, 6, 7, 8, 9, 10, 11}) st.vector.push_back(fix->compute_vector(k));
  return st;
}

std::vector<double> parse_rows(const std::string& text, int columns) {
  std::vector<double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    long tag;
    if (!(words >> tag)) continue;
    out.resize(std::max<size_t>(out.size(), columns * tag));
    for (int c = 0; c < columns; c++) words >> out[columns * (tag - 1) + c];
  }
  return out;
}

std::string format_rows(const std::vector<double>& values, int columns) {
  std::ostringstream out;
  char buf[128];
  for (size_t t = 0; t < values.size() / columns; t++) {
    out << t + 1;
    for (int c = 0; c < columns; c++) {
      std::snprintf(buf, sizeof buf, " %23.16e", values[columns * t + c]);
      out << buf;
    }
    out << "\n";
  }
  return out.str();
}

void expect_close(const std::vector<double>& got, const std::vector<double>& want, double eps, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int bad = 0;
  for (size_t k = 0; k < got.size(); k++) {
    const double tol = eps * std::max(1.0, std::fabs(want[k]));
    if (std::isnan(got[k]) && std::isnan(want[k])) continue;  // a value the fix does not compute in this setting
    if (!(std::fabs(got[k] - want[k]) <= tol) && bad++ < 5)
      ADD_FAILURE() << what << "[" << k << "]: " << got[k] << " vs reference " << want[k] << " (tolerance " << tol << ")";
  }
}

void run_reference(const std::filesystem::path& file) {
  SCOPED_TRACE(file.filename().string());
  YAML::Node ref = YAML::LoadFile(file.string());
  const double eps = ref["epsilon"].as<double>();
  const int steps = ref["run_steps"].as<int>();
  ASSERT_EQ(steps % 2, 0) << "run_steps must be even (restart at half time)";
  const std::string pre = ref["pre_commands"].as<std::string>();
  const std::string post = ref["post_commands"].as<std::string>();
  const std::string after_restart = ref["restart_commands"].as<std::string>("");

  // Uninterrupted.
  State full;
  {
    LammpsSession s;
    s.run(pre);
    s.run(post);
    s.run("run " + std::to_string(steps) + " post no\n");
    full = capture(s);
  }
  if (std::getenv("DRIFT_REGENERATE")) {
    char date[32];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof date, "%Y-%m-%d", std::gmtime(&now));
    ref["lammps_version"] = LAMMPS_VERSION;
    ref["date_generated"] = date;
    ref["natoms"] = full.pos.size() / 3;
    ref["global_vector"] = full.vector;
    ref["run_pos"] = format_rows(full.pos, 3);
    ref["run_vel"] = format_rows(full.vel, 3);
    YAML::Emitter out;  // multi-line values as literal blocks, as in LAMMPS' references
    out << YAML::BeginMap;
    for (const auto& kv : ref) {
      out << YAML::Key << kv.first.as<std::string>() << YAML::Value;
      if (kv.second.IsScalar() && kv.second.as<std::string>().find('\n') != std::string::npos) out << YAML::Literal << kv.second.as<std::string>();
      else if (kv.second.IsSequence()) out << YAML::Flow << kv.second;
      else out << kv.second;
    }
    out << YAML::EndMap;
    std::ofstream(file) << out.c_str() << "\n";
    // A regenerating run never passes: it checked nothing against a reference. (It used to be a
    // GTEST_SKIP, which ctest counts as passed.) The restart check below still runs.
    ADD_FAILURE() << "regenerated " << file << " (no reference was checked): review it with git diff, then run "
                  << "again without DRIFT_REGENERATE";
  } else {
    ASSERT_EQ(ref["natoms"].as<size_t>(), full.pos.size() / 3);
    expect_close(full.pos, parse_rows(ref["run_pos"].as<std::string>(), 3), eps, "positions");
    expect_close(full.vel, parse_rows(ref["run_vel"].as<std::string>(), 3), eps, "velocities");
    expect_close(full.vector, ref["global_vector"].as<std::vector<double>>(), eps, "global vector");
  }

  // Restart at half time: the fix's counters (its whole RNG state) travel in the restart file.
  drift_test::TempDir dir;
  {
    LammpsSession s;
    s.run(pre);
    s.run(post);
    s.run("run " + std::to_string(steps / 2) + " post no\nwrite_restart " + dir.file("half.restart") + "\nclear\n");
    s.run("read_restart " + dir.file("half.restart") + "\n");
    s.run(after_restart);
    s.run(post);
    s.run("run " + std::to_string(steps / 2) + " post no\n");
    const State resumed = capture(s);
    expect_close(resumed.pos, full.pos, eps, "positions after restart");
    expect_close(resumed.vel, full.vel, eps, "velocities after restart");
    expect_close(resumed.vector, full.vector, eps, "global vector after restart");
  }
}

}  // namespace

TEST(FixReference, EveryYamlReferenceReproducesAcrossRestart) {
  const std::filesystem::path folder = std::string(DRIFT_SOURCE_DIR) + "/tests/fix/references";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder))
    if (entry.path().extension() == ".yaml") {
      run_reference(entry.path());
      count++;
    }
  EXPECT_GE(count, 2) << "no YAML references found in " << folder;
}
