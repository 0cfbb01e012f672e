// keep_large_allocations_in_heap() takes effect: a 4 MiB block (the size of a drifting-field
// tensor) comes from the heap, not from a fresh mmap (the first version compiled to a no-op
// because __GLIBC__ was tested before any libc header defined it).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

#include "drift/allocator.hpp"

#if defined(__GLIBC__)
#include <malloc.h>

TEST(Allocator, LargeBlocksComeFromTheHeap) {
  drift::keep_large_allocations_in_heap();
  const size_t before = mallinfo2().hblks;
  void* block = std::malloc(4u << 20);
  ASSERT_NE(block, nullptr);
  std::memset(block, 1, 4u << 20);
  EXPECT_EQ(mallinfo2().hblks, before) << "a 4 MiB block was mmapped";
  std::free(block);
}
#else
TEST(Allocator, NotGlibc) { GTEST_SKIP() << "allocator tuning applies to glibc only"; }
#endif
