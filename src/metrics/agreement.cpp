#include "embed_metrics/agreement.hpp"

#include "backend/backend.hpp"
#include "core/check.hpp"
#include "core/validate.hpp"
#include "cpu/contingency.hpp"
#include "metrics/agreement_scores.hpp"

namespace embed_metrics {
namespace {

void check_pair(label_view a, label_view b) {
  detail::check_labels(a, "labels a");
  detail::check_labels(b, "labels b");
  EM_EXPECTS(a.size == b.size, "labels a has ", a.size, " entries, labels b ", b.size,
             "; give one label per point on both sides");
  EM_EXPECTS(a.size > 0, "labels a and b are empty; agreement needs at least one point");
}

}  // namespace

average_method parse_average_method(std::string_view name) {
  if (name == "arithmetic") return average_method::arithmetic;
  if (name == "geometric") return average_method::geometric;
  if (name == "min") return average_method::min;
  if (name == "max") return average_method::max;
  throw invalid_argument(detail::cat("unknown average method \"", name,
                                     "\"; use arithmetic, geometric, min or max"));
}

std::string to_string(average_method m) {
  switch (m) {
    case average_method::geometric: return "geometric";
    case average_method::min: return "min";
    case average_method::max: return "max";
    case average_method::arithmetic: break;
  }
  return "arithmetic";
}

contingency_table contingency(const resources& res, label_view a, label_view b) {
  check_pair(a, b);
  return detail::backend_for(res).agreement->contingency(res, a, b);
}

agreement_result agreement(const resources& res, label_view a, label_view b,
                           const agreement_params& params) {
  check_pair(a, b);
  EM_EXPECTS(params.beta >= 0.0, "agreement: beta is ", params.beta, "; it must be >= 0");
  const detail::table_and_emi te =
      detail::backend_for(res).agreement->contingency_and_emi(res, a, b);
  return detail::scores_from_table(te.table, te.expected_mi, params, res.threads());
}

agreement_result agreement(const resources& res, const contingency_table& table,
                           const agreement_params& params) {
  detail::check_table(table);
  EM_EXPECTS(params.beta >= 0.0, "agreement: beta is ", params.beta, "; it must be >= 0");
  const double emi = detail::emi_is_zero(table) ? 0.0
                                                : cpu::expected_mutual_information(
                                                      table.sizes_a, table.sizes_b, table.n,
                                                      res.threads());
  return detail::scores_from_table(table, emi, params, res.threads());
}

}  // namespace embed_metrics
