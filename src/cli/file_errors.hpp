#pragma once
// The library names its inputs "x" and "labels"; the tool knows which file
// each came from. about_file runs one step on a file and puts the file's
// name in front of any error that does not name it already, and turns a
// std::bad_alloc or std::length_error into out_of_memory naming the bytes
// and the step.

#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "cli/failed_allocation.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::cli {

/// "<file>: <message>", unless @p message already names @p file.
[[nodiscard]] std::string naming_file(const std::string& file, const std::string& message);

/// Run @p step (which works on @p file; @p activity says what it does, as in
/// "k-means (k = 10)"); rethrow its errors as the same type naming @p file.
template <class F>
decltype(auto) about_file(const std::string& file, const std::string& activity, F&& step) {
  try {
    return std::forward<F>(step)();
  } catch (const interrupted&) {
    throw;
  } catch (const out_of_memory& e) {
    throw out_of_memory(naming_file(file, e.what()));
  } catch (const cuda_error& e) {
    throw cuda_error(naming_file(file, e.what()));
  } catch (const backend_unavailable& e) {
    throw backend_unavailable(naming_file(file, e.what()));
  } catch (const format_error& e) {
    throw format_error(naming_file(file, e.what()));
  } catch (const io_error& e) {
    throw io_error(naming_file(file, e.what()));
  } catch (const invalid_argument& e) {
    throw invalid_argument(naming_file(file, e.what()));
  } catch (const error& e) {
    throw error(naming_file(file, e.what()));
  } catch (const std::bad_alloc&) {
    throw out_of_memory(naming_file(file, bad_alloc_message(activity)));
  } catch (const std::length_error&) {
    throw out_of_memory(naming_file(file, length_error_message(activity)));
  }
}

}  // namespace embed_metrics::cli
