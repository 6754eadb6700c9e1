#pragma once
// The distributed metrics exchange host buffers (sums, tables, row blocks
// read from a file). A device-memory communicator (NCCL) gets them through
// a device copy; these copies come from the NCCL build, else they throw.

#include <cstddef>
#include <memory>

#include "embed_metrics/communicator.hpp"

namespace embed_metrics::detail {

void* staging_allocate(std::size_t bytes);
void staging_free(void* p) noexcept;
void staging_copy(void* dst, const void* src, std::size_t bytes, bool to_device);

/// @p comm itself when it takes host memory, else a view of it that stages
/// every buffer through device memory.
std::shared_ptr<communicator> host_communicator(const std::shared_ptr<communicator>& comm);

}  // namespace embed_metrics::detail
