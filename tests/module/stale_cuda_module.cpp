// A stand-in for a libembed_metrics_cuda.so of another build: it exports the
// module's entry but refuses the loader's ABI version, as a stale module
// does. The loader must say so instead of using its table
// (tests/cpu/test_cuda_module.cpp).

extern "C" __attribute__((visibility("default"))) const void* embed_metrics_cuda_backend(
    int /*loader_abi*/, int* module_abi) {
  if (module_abi != nullptr) *module_abi = 0;
  return nullptr;
}
