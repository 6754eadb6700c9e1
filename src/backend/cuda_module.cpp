// Loading the CUDA module (see cuda_module.hpp). Where it is looked for, in
// order: an entry already in the process (a test binary that links the CUDA
// objects, or a module loaded before); then EMBED_METRICS_CUDA_MODULE when
// set, and only there, so that a test can hide the module; else the file
// beside libembed_metrics.so (found with dladdr, so an installed tree works
// wherever it is), then the plain file name through the dynamic loader's
// search path.

#include "backend/cuda_module.hpp"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "backend/module_abi.hpp"
#include "core/check.hpp"
#include "embed_metrics/error.hpp"

namespace embed_metrics::detail {
namespace {

constexpr const char* kOverrideVariable = "EMBED_METRICS_CUDA_MODULE";

// Whether this build made the module (set by CMake), for the error's advice.
constexpr bool kModuleBuilt = EM_CUDA_MODULE_BUILT != 0;

template <class Fn>
Fn symbol(void* handle, const char* name) noexcept {
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

std::string last_dl_error() {
  const char* e = dlerror();
  return e != nullptr ? std::string(e) : std::string("unknown dynamic loader error");
}

// The directory of the object that holds this code, with a trailing '/'.
std::string own_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&own_directory), &info) == 0 || info.dli_fname == nullptr)
    return {};
  const std::string path = info.dli_fname;
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
}

const char* override_path() noexcept {
  const char* p = std::getenv(kOverrideVariable);
  return p != nullptr && *p != '\0' ? p : nullptr;
}

// The files to dlopen, in order.
std::vector<std::string> candidates() {
  if (const char* p = override_path()) return {p};
  std::vector<std::string> out;
  const std::string dir = own_directory();
  if (!dir.empty()) out.push_back(dir + kCudaModuleFile);
  out.emplace_back(kCudaModuleFile);
  return out;
}

struct load_outcome {
  const backend* table = nullptr;
  std::string failure;  // what was tried and why, when table is null
};

// The table behind @p entry, or why not.
const backend* table_of(cuda_module_entry entry, std::string& why) {
  int module_abi = 0;
  const backend* table = entry(kBackendAbiVersion, &module_abi);
  if (table == nullptr) {
    why = cat("built for backend ABI ", module_abi, ", this library has ", kBackendAbiVersion,
              ": use the module of the same build as libembed_metrics");
    return nullptr;
  }
  if (table->device == nullptr) {
    why = "its table has no device family";
    return nullptr;
  }
  return table;
}

load_outcome load() {
  load_outcome out;
  std::string tried;
  if (auto entry = symbol<cuda_module_entry>(RTLD_DEFAULT, kCudaModuleEntry)) {
    std::string why;
    if ((out.table = table_of(entry, why)) != nullptr) return out;
    tried = cat("the entry linked into this process (", why, "); ");
  }
  for (const std::string& file : candidates()) {
    void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    std::string why;
    if (handle == nullptr) {
      why = last_dl_error();
    } else if (auto entry = symbol<cuda_module_entry>(handle, kCudaModuleEntry)) {
      if ((out.table = table_of(entry, why)) != nullptr) return out;  // stays loaded
    } else {
      why = cat("it has no ", kCudaModuleEntry, " entry");
    }
    if (handle != nullptr) dlclose(handle);
    tried += cat(file, " (", why, "); ");
  }
  const char* fix = kModuleBuilt
                        ? "install it beside libembed_metrics.so with the CUDA runtime and cuBLAS "
                          "on the library path, or point "
                        : "this build of embed_metrics has no CUDA backend: rebuild with "
                          "-DEMBED_METRICS_CUDA=ON, or point ";
  out.failure = cat("the CUDA backend module (", kCudaModuleFile, ") could not be loaded; tried ",
                    tried, fix, kOverrideVariable, " at one; or use --device cpu");
  return out;
}

bool readable(const std::string& path) noexcept { return access(path.c_str(), R_OK) == 0; }

}  // namespace

const backend& cuda_backend() {
  static std::once_flag once;
  static load_outcome outcome;
  std::call_once(once, [] { outcome = load(); });
  if (outcome.table == nullptr) throw backend_unavailable(outcome.failure);
  return *outcome.table;
}

bool cuda_module_found() noexcept {
  try {
    if (dlsym(RTLD_DEFAULT, kCudaModuleEntry) != nullptr) return true;
    if (const char* p = override_path()) return readable(p);
    if (readable(own_directory() + kCudaModuleFile)) return true;
    if (const char* dirs = std::getenv("LD_LIBRARY_PATH")) {
      std::istringstream list(dirs);
      for (std::string dir; std::getline(list, dir, ':');)
        if (!dir.empty() && readable(dir + "/" + kCudaModuleFile)) return true;
    }
    void* loaded = dlopen(kCudaModuleFile, RTLD_LAZY | RTLD_NOLOAD);
    if (loaded != nullptr) dlclose(loaded);
    return loaded != nullptr;
  } catch (...) {
    return false;
  }
}

int cuda_driver_device_count() noexcept {
  static const int count = [] {
    void* driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (driver == nullptr) return 0;
    using init_fn = int (*)(unsigned);
    using count_fn = int (*)(int*);
    const auto init = symbol<init_fn>(driver, "cuInit");
    const auto device_count = symbol<count_fn>(driver, "cuDeviceGetCount");
    if (init == nullptr || device_count == nullptr) {
      dlclose(driver);
      return 0;
    }
    // The driver stays loaded once initialised (the runtime will use it).
    int n = 0;
    if (init(0) != 0 || device_count(&n) != 0) return 0;
    return n > 0 ? n : 0;
  }();
  return count;
}

}  // namespace embed_metrics::detail
