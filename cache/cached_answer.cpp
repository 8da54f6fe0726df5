#include "cache/cached_answer.hpp"

#include <array>
#include <cstring>

namespace openhouse::cache {

namespace {

// A compact binary form rather than JSON: every L1 hit decodes one, and the
// hit path has a budget of a few microseconds. Redis values are binary-safe.
//
// Layout: magic "OHA", format byte, then 4 length-prefixed strings (u32 big
// endian) — text, stop_reason, model, source_sid — then 6 u64/i64 big endian
// numbers: the four generations, stored_at_ms, expires_at_ms.
constexpr std::array<char, 3> magic{'O', 'H', 'A'};
/// Bump when the layout changes: older entries then read as misses.
constexpr char entry_format = 1;

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFFU));
  }
}

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFFU));
  }
}

void put_string(std::string& out, std::string_view s) {
  put_u32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

/// Reads big-endian fields off the front of a view; any overrun sets `ok_`.
class reader {
 public:
  explicit reader(std::string_view in) : in_(in) {}

  std::uint64_t u64(std::size_t bytes) {
    if (in_.size() < bytes) {
      ok_ = false;
      return 0;
    }
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < bytes; ++i) {
      v = (v << 8U) | static_cast<unsigned char>(in_[i]);
    }
    in_.remove_prefix(bytes);
    return v;
  }

  std::string string() {
    const auto size = u64(4);
    if (!ok_ || in_.size() < size) {
      ok_ = false;
      return {};
    }
    std::string out{in_.substr(0, size)};
    in_.remove_prefix(size);
    return out;
  }

  [[nodiscard]] bool done() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

}  // namespace

std::string encode(const cached_answer& answer) {
  std::string out;
  out.reserve(4 + 16 + answer.text.size() + answer.stop_reason.size() + answer.model.size() +
              answer.source_sid.size() + 48);
  out.append(magic.data(), magic.size());
  out.push_back(entry_format);
  put_string(out, answer.text);
  put_string(out, answer.stop_reason);
  put_string(out, answer.model);
  put_string(out, answer.source_sid);
  put_u64(out, answer.generation.global);
  put_u64(out, answer.generation.market);
  put_u64(out, answer.generation.contact);
  put_u64(out, answer.generation.task);
  put_u64(out, static_cast<std::uint64_t>(answer.stored_at_ms));
  put_u64(out, static_cast<std::uint64_t>(answer.expires_at_ms));
  return out;
}

std::optional<cached_answer> decode_answer(std::string_view stored) {
  if (stored.size() < magic.size() + 1 ||
      std::memcmp(stored.data(), magic.data(), magic.size()) != 0 ||
      stored[magic.size()] != entry_format) {
    return std::nullopt;
  }
  reader in{stored.substr(magic.size() + 1)};
  cached_answer out;
  out.text = in.string();
  out.stop_reason = in.string();
  out.model = in.string();
  out.source_sid = in.string();
  out.generation.global = in.u64(8);
  out.generation.market = in.u64(8);
  out.generation.contact = in.u64(8);
  out.generation.task = in.u64(8);
  out.stored_at_ms = static_cast<std::int64_t>(in.u64(8));
  out.expires_at_ms = static_cast<std::int64_t>(in.u64(8));
  if (!in.done()) {
    return std::nullopt;
  }
  return out;
}

}  // namespace openhouse::cache
