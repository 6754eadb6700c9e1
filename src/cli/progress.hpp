#pragma once
// Progress on stderr for long jobs: one self-overwriting line with the step
// and an estimate of the time left, only when stderr is a terminal. Ctrl-C
// sets a flag that the next progress call turns into embed_metrics::interrupted,
// so the tool stops cleanly between steps.

#include <chrono>
#include <string>

namespace embed_metrics::cli {

class progress {
 public:
  /// @param total number of units of work (checkpoints, steps)
  explicit progress(int total);
  ~progress();
  /// Report that @p done units are finished and @p what is next; throws
  /// embed_metrics::interrupted when Ctrl-C was pressed.
  void update(int done, const std::string& what);
  /// Erase the line.
  void finish();

 private:
  int total_;
  bool tty_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace embed_metrics::cli
