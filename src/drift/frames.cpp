#include "drift/frames.hpp"

namespace drift {

void AtomFrame::clear() {
  timestep = 0;
  box = Box{};
  ids.clear();
  types.clear();
  mols.clear();
  x.clear();
  f.clear();
  pe.clear();
  image.clear();
  weight.clear();
  unwrapped = false;
}

}  // namespace drift
