#pragma once
// The scores of agreement() from a contingency table and its expected mutual
// information: shared by the CPU and CUDA paths (the CUDA backend builds the
// table and the EMI on the device; this small combination runs on the host).

#include "embed_metrics/agreement.hpp"

namespace embed_metrics::detail {

/// Throw invalid_argument unless @p t is a consistent table with n > 0.
void check_table(const contingency_table& t);

/// True when some labeling has a single cluster, so that EMI = 0 without work.
[[nodiscard]] bool emi_is_zero(const contingency_table& t);

/// Every score of @p t, following scikit-learn's formulas and special cases.
[[nodiscard]] agreement_result scores_from_table(const contingency_table& t, double expected_mi,
                                                 const agreement_params& params, int threads);

}  // namespace embed_metrics::detail
