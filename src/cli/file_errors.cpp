#include "cli/file_errors.hpp"

namespace embed_metrics::cli {

std::string naming_file(const std::string& file, const std::string& message) {
  if (file.empty() || message.find(file) != std::string::npos) return message;
  return file + ": " + message;
}

}  // namespace embed_metrics::cli
