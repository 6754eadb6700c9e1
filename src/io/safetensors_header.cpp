#include "io/safetensors_header.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <iterator>
#include <tuple>

#include "io/npy_header.hpp"
#include "io/printable.hpp"

namespace embed_metrics::io {
namespace {

struct st_dtype {
  const char* name;
  int size;
  std::optional<dtype> type;
};

const st_dtype kTypes[] = {
    {"F64", 8, dtype{dtype_kind::floating, 8, false}},
    {"F32", 4, dtype{dtype_kind::floating, 4, false}},
    {"F16", 2, dtype{dtype_kind::floating, 2, false}},
    {"BF16", 2, dtype{dtype_kind::bfloat16, 2, false}},
    {"I64", 8, dtype{dtype_kind::signed_int, 8, false}},
    {"I32", 4, dtype{dtype_kind::signed_int, 4, false}},
    {"I16", 2, dtype{dtype_kind::signed_int, 2, false}},
    {"I8", 1, dtype{dtype_kind::signed_int, 1, false}},
    {"U64", 8, dtype{dtype_kind::unsigned_int, 8, false}},
    {"U32", 4, dtype{dtype_kind::unsigned_int, 4, false}},
    {"U16", 2, dtype{dtype_kind::unsigned_int, 2, false}},
    {"U8", 1, dtype{dtype_kind::unsigned_int, 1, false}},
    {"BOOL", 1, dtype{dtype_kind::boolean, 1, false}},
    {"F8_E4M3", 1, std::nullopt},
    {"F8_E5M2", 1, std::nullopt},
    {"C64", 8, std::nullopt},
};

template <class... Args>
[[noreturn]] void bad_header(const std::string& file, Args&&... what) {
  fail(file, "safetensors header: ", std::forward<Args>(what)...);
}

std::uint64_t as_u64(const nlohmann::json& v, const std::string& file, const std::string& what) {
  if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() >= 0))
    bad_header(file, what, " must be a non-negative integer, not ",
               v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  const auto u = v.get<std::uint64_t>();
  if (u > static_cast<std::uint64_t>(INT64_MAX)) bad_header(file, what, " is too large");
  return u;
}

}  // namespace

safetensors_header parse_safetensors(byte_span bytes, const std::string& file) {
  if (bytes.size == 0) fail(file, "is empty (0 bytes); expected a .safetensors file");
  if (bytes.size < 8) fail(file, "is too short (", bytes.size, " bytes) for a .safetensors header");
  const std::uint64_t n = read_u64(bytes.data);
  if (n > kMaxSafetensorsHeader)
    fail(file, "oversized .safetensors header: ", n, " bytes (at most ", kMaxSafetensorsHeader,
         " are accepted); not a .safetensors file, or a corrupt one");
  if (n > bytes.size - 8)
    fail(file, "the .safetensors header length (", n, " bytes) runs past the end of the file (",
         bytes.size, " bytes); the file is truncated");
  const byte_span text = bytes.sub(8, n, file, "the header");
  nlohmann::json j = nlohmann::json::parse(text.data, text.data + text.size, nullptr, false);
  if (j.is_discarded()) fail(file, "garbled .safetensors header: not valid JSON");
  if (!j.is_object()) fail(file, "garbled .safetensors header: not a JSON object");
  safetensors_header h;
  h.data_start = 8 + n;
  const std::uint64_t data_size = bytes.size - h.data_start;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "__metadata__") {
      if (!it.value().is_object()) bad_header(file, "__metadata__ is not an object");
      continue;
    }
    const auto& v = it.value();
    tensor_entry t;
    t.name = it.key();
    const std::string who = "tensor " + quoted(t.name, 60);
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      bad_header(file, who, " lacks dtype, shape or data_offsets");
    if (!v["dtype"].is_string()) bad_header(file, who, " has a non-string dtype");
    t.dtype_name = v["dtype"].get<std::string>();
    const auto st = std::find_if(std::begin(kTypes), std::end(kTypes),
                                 [&](const st_dtype& k) { return t.dtype_name == k.name; });
    if (st == std::end(kTypes))
      bad_header(file, who, " has an unknown dtype ", quoted(t.dtype_name, 20));
    t.type = st->type;
    const auto& shape = v["shape"];
    if (!shape.is_array()) bad_header(file, who, " has a shape that is not a list");
    if (shape.size() > kMaxDims) bad_header(file, who, " has too many dimensions");
    t.count = 1;
    for (const auto& d : shape) {
      const std::uint64_t dim = as_u64(d, file, who + " shape");
      t.shape.push_back(static_cast<std::int64_t>(dim));
      if (!mul_size(t.count, dim, &t.count))
        bad_header(file, who, " shape ", shape_string(t.shape), " overflows 64 bits");
    }
    std::uint64_t nbytes = 0;
    if (!mul_size(t.count, static_cast<std::uint64_t>(st->size), &nbytes))
      bad_header(file, who, " byte size overflows 64 bits");
    const auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2)
      bad_header(file, who, " data_offsets must be [begin, end]");
    t.begin = as_u64(off[0], file, who + " data_offsets");
    t.end = as_u64(off[1], file, who + " data_offsets");
    if (t.begin > t.end)
      bad_header(file, who, " data_offsets [", t.begin, ", ", t.end, "] are reversed");
    if (t.end > data_size)
      bad_header(file, who, " offset out of range: data_offsets [", t.begin, ", ", t.end,
                 "] but the data area holds ", data_size,
                 " bytes; the file is truncated or corrupt");
    if (t.end - t.begin != nbytes)
      bad_header(file, who, " shape ", shape_string(t.shape), " of ", t.dtype_name, " needs ",
                 nbytes, " bytes, data_offsets give ", t.end - t.begin);
    h.tensors.push_back(std::move(t));
  }
  std::sort(h.tensors.begin(), h.tensors.end(), [](const tensor_entry& a, const tensor_entry& b) {
    return std::tie(a.begin, a.end) < std::tie(b.begin, b.end);
  });
  for (std::size_t i = 1; i < h.tensors.size(); ++i) {
    const auto& a = h.tensors[i - 1];
    const auto& b = h.tensors[i];
    if (b.begin < a.end)
      bad_header(file, "tensors ", quoted(a.name, 60), " and ", quoted(b.name, 60),
                 " overlap (bytes ", a.begin, "..", a.end, " and ", b.begin, "..", b.end, ")");
  }
  return h;
}

}  // namespace embed_metrics::io
