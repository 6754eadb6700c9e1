#include "cli/progress.hpp"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdio>

#include "embed_metrics/error.hpp"

namespace embed_metrics::cli {
namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int /*sig*/) {
  if (g_interrupted) std::_Exit(130);  // a second Ctrl-C stops at once
  g_interrupted = 1;
}

}  // namespace

progress::progress(int total)
    : total_(total), tty_(isatty(STDERR_FILENO) != 0), start_(std::chrono::steady_clock::now()) {
  // Installed once; later Ctrl-C presses only set the flag.
  static std::atomic<bool> installed{false};
  if (!installed.exchange(true)) std::signal(SIGINT, on_sigint);
}

progress::~progress() { finish(); }

void progress::update(int done, const std::string& what) {
  if (g_interrupted != 0) {
    finish();
    throw interrupted("interrupted by the user (Ctrl-C)");
  }
  if (!tty_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  char eta[48] = "";
  if (done > 0 && done < total_)
    std::snprintf(eta, sizeof eta, ", about %.0f s left", elapsed / done * (total_ - done));
  std::fprintf(stderr, "\r\033[K[%d/%d] %s%s", done, total_, what.c_str(), eta);
  std::fflush(stderr);
  shown_ = true;
}

void progress::finish() {
  if (tty_ && shown_) {
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    shown_ = false;
  }
}

}  // namespace embed_metrics::cli
