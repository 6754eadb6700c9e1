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

/// Throw, with @p message, a copy of @p e as the first of @p E (most derived
/// first) that it is, else as a plain error.
template <class... E>
[[noreturn]] void rethrow_as(const error& e, const std::string& message) {
  ((dynamic_cast<const E*>(&e) != nullptr ? throw E(message) : void()), ...);
  throw error(message);
}

/// Run @p step (which works on @p file; @p activity says what it does, as in
/// "k-means (k = 10)"); rethrow its errors as the same type naming @p file.
template <class F>
decltype(auto) about_file(const std::string& file, const std::string& activity, F&& step) {
  try {
    return std::forward<F>(step)();
  } catch (const interrupted&) {
    throw;
  } catch (const error& e) {
    rethrow_as<out_of_memory, cuda_error, backend_unavailable, format_error, io_error,
               invalid_argument>(e, naming_file(file, e.what()));
  } catch (const std::bad_alloc&) {
    throw out_of_memory(naming_file(file, bad_alloc_message(activity)));
  } catch (const std::length_error&) {
    throw out_of_memory(naming_file(file, length_error_message(activity)));
  }
}

}  // namespace embed_metrics::cli
