#pragma once
// Entry points of the CUDA backend of the agreement scores, declared in plain
// C++ for the dispatch in src/metrics/agreement.cpp; defined in
// cuda/agreement.cu (only linked when the build has EMBED_METRICS_HAS_CUDA).

#include "backend/agreement_ops.hpp"
#include "embed_metrics/agreement.hpp"
#include "embed_metrics/matrix.hpp"
#include "embed_metrics/resources.hpp"

namespace embed_metrics::gpu {

/// The contingency table of @p a and @p b (host or device labels; device
/// labels are read in place), built on the device and returned in host memory.
contingency_table contingency(const resources& res, label_view a, label_view b);

/// The contingency table and the expected mutual information of its row and
/// column sizes, both computed on the device.
detail::table_and_emi contingency_and_emi(const resources& res, label_view a, label_view b);

}  // namespace embed_metrics::gpu
