#pragma once
// LAMMPS text dumps ("dump custom"): streaming reader (one frame in memory at a time) and
// writer. Columns may come in any order; atoms may be unsorted.
#include <memory>
#include <string>
#include <vector>

#include "drift/frames.hpp"
#include "drift/text_lines.hpp"

namespace drift {

struct DumpColumns {
  int id = -1, type = -1, mol = -1;
  int x[3] = {-1, -1, -1};
  int xu[3] = {-1, -1, -1};
  int xs[3] = {-1, -1, -1};
  int image[3] = {-1, -1, -1};
  int f[3] = {-1, -1, -1};
  int pe = -1;
  int weight = -1;  // per-conformation importance weight, repeated on each atom
  size_t count = 0;
};

class LammpsDumpReader {
 public:
  // energy_columns: names accepted for per-atom potential energy, first match wins.
  explicit LammpsDumpReader(const std::string& path,
                            std::vector<std::string> energy_columns = {"c_pe", "c_peatom", "c_pe_atom", "pe"});
  // Reads the next frame; false at a clean end of file. Throws InputError on bad input.
  bool next(AtomFrame& frame);
  long frames_read() const { return frame_; }
  const std::string& path() const { return lines_.path(); }

 private:
  [[noreturn]] void fail(const std::string& what) const;
  bool next_nonempty(std::string& line);
  void expect_item(const std::string& line, const std::string& item);
  void parse_columns(const std::string& line);

  LineReader lines_;
  std::vector<std::string> energy_columns_;
  DumpColumns cols_;
  long frame_ = 0;
  std::string pending_;
  bool has_pending_ = false;
};

struct DumpWriteOptions {
  bool forces = true;   // write fx fy fz (requires frame.f)
  bool energy = true;   // write c_pe (requires frame.pe)
  bool mol = true;      // write mol (requires frame.mols)
  bool weight = true;   // write weight (requires frame.weight)
};

// Appends frames to a stream in "id mol type x y z fx fy fz c_pe weight" form.
void write_dump_frame(std::ostream& out, const AtomFrame& frame, const DumpWriteOptions& options = {});

}  // namespace drift
