#pragma once
// glibc's malloc serves blocks above its mmap threshold (128 KiB, adapted upwards at run time)
// with fresh mmap()s and trims the heap top after frees, so LibTorch's per-step tensors of a few
// MiB were faulted in page by page on every training step. Measured on ethanol (dist space,
// batch 512, 2 cores): plain drift trained at 7.6 steps/s, and at 27.9 with a 32 MiB mmap
// threshold and no trimming below 1 GiB; the drifting field alone went from ~100 ms to 18 ms.
// Whether a run was slow depended on what it had freed before (FK's energy integration raised
// the adaptive threshold by accident). Our own programs call this first thing in main(); the
// plugin leaves the allocator of a user's LAMMPS alone.
namespace drift {

// Keeps large blocks in the heap (no-op outside glibc). Safe to call more than once.
void keep_large_allocations_in_heap();

}  // namespace drift
