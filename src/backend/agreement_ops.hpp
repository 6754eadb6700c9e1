#pragma once
// The contingency table of two labelings and its expected mutual information
// (the driver: src/metrics/agreement.cpp, which derives every score).

#include "embed_metrics/agreement.hpp"

namespace embed_metrics::detail {

/// A contingency table and the expected mutual information of its margins.
struct table_and_emi {
  contingency_table table;
  double expected_mi = 0.0;
};

class agreement_ops {
 public:
  virtual ~agreement_ops() = default;
  /// The table of @p a and @p b (equal, non-zero sizes), in host memory.
  [[nodiscard]] virtual contingency_table contingency(const resources& res, label_view a,
                                                      label_view b) const = 0;
  /// The table and its expected mutual information (0 where detail::emi_is_zero).
  [[nodiscard]] virtual table_and_emi contingency_and_emi(const resources& res, label_view a,
                                                          label_view b) const = 0;
};

}  // namespace embed_metrics::detail
