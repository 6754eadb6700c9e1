#pragma once
/// @file export.hpp
/// @brief EMBED_METRICS_API marks the functions and classes the shared library
/// exports. The library is built with hidden visibility, so that only the
/// public API is part of its ABI and its internals can change freely.

#if defined(EMBED_METRICS_STATIC_DEFINE)
#define EMBED_METRICS_API
#elif defined(__GNUC__) || defined(__clang__)
#define EMBED_METRICS_API __attribute__((visibility("default")))
#else
#define EMBED_METRICS_API
#endif
