#include "drift/replica/kokkos_runtime.hpp"

#include <Kokkos_Core.hpp>

namespace drift::replica {

bool kokkos_initialized() { return Kokkos::is_initialized(); }

std::string kokkos_version() {
  return std::to_string(KOKKOS_VERSION / 10000) + "." + std::to_string(KOKKOS_VERSION / 100 % 100) + "." +
         std::to_string(KOKKOS_VERSION % 100);
}

}  // namespace drift::replica
