#pragma once
// The covariance spectrum of every checkpoint in one chart (log scale): the
// picture of dimensional collapse, where the tail of small eigenvalues drops
// away as the embeddings stop using their dimensions.

#include <string>
#include <vector>

namespace embed_metrics::cli {

/// An <svg> element: one line per checkpoint (eigenvalue against its rank,
/// largest first), light to dark in training order. Spectra may differ in
/// length; zeros are below the log axis and left out. Empty spectra are skipped.
std::string svg_spectrum(const std::vector<std::vector<double>>& spectra,
                         const std::vector<std::string>& checkpoint_labels);

}  // namespace embed_metrics::cli
