// LD_PRELOAD shim for `gmx mdrun` on virtual machines whose hypervisor hides the rdtscp CPUID flag
// although the instruction executes. Debian's GROMACS is built with GMX_USE_RDTSCP=ON, and mdrun's
// hardware report (gmx_print_detected_hardware, exported from libgromacs and called through the PLT)
// refuses such a CPU with a fatal error. That function only prints the detected hardware and checks
// SIMD and rdtscp support; it changes no state, so replacing it with one that does nothing leaves
// every energy mdrun computes as it was. tools/ff-check.py uses this only after mdrun has refused the
// CPU for this one reason (--gmx-shim), and says so.
#include <cstdio>
#include <x86intrin.h>

namespace gmx {
class MDLogger;
}
struct gmx_hw_info_t;

namespace {
// Executed when the shim loads: on a CPU that really lacks rdtscp the process dies here (SIGILL), before
// mdrun has written anything, instead of at its first timer call.
struct RdtscpProbe {
  RdtscpProbe() {
    unsigned int aux = 0;
    volatile unsigned long long ticks = __rdtscp(&aux);
    (void)ticks;
  }
} probe;
}  // namespace

// The signature of GROMACS 2022's declaration (src/gromacs/hardware/printhardware.h); the mangled
// name must match for the dynamic linker to bind mdrun's call here.
void gmx_print_detected_hardware(FILE* /*fplog*/, bool /*warnToStdErr*/, const gmx::MDLogger& /*mdlog*/,
                                 const gmx_hw_info_t* /*hwinfo*/) {}
