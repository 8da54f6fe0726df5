#include "cache/invalidation.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace openhouse::cache {

namespace {

/// Bumped when the wire form changes, so an old node drops messages it
/// cannot read instead of misreading them.
constexpr std::string_view wire_tag = "oh-inval/1";
/// The sequenced form (seq and epoch after the generation).
constexpr std::string_view sequenced_tag = "oh-inval/2";

constexpr std::array<std::pair<invalidation::kind, std::string_view>, 5> kind_names{{
    {invalidation::kind::global, "global"},
    {invalidation::kind::market, "market"},
    {invalidation::kind::contact, "contact"},
    {invalidation::kind::task, "task"},
    {invalidation::kind::key, "key"},
}};

void append_field(std::string& out, std::string_view value) {
  out += '|';
  out += std::to_string(value.size());
  out += ':';
  out += value;
}

/// A cursor over the text being decoded; every step checks the bounds.
class reader {
 public:
  explicit reader(std::string_view text) : rest_(text) {}

  /// Consumes `literal` if the text continues with it.
  bool expect(std::string_view literal) {
    if (!rest_.starts_with(literal)) {
      return false;
    }
    rest_.remove_prefix(literal.size());
    return true;
  }

  /// Reads up to (not including) `sep`, which must follow.
  std::optional<std::string_view> until(char sep) {
    const auto at = rest_.find(sep);
    if (at == std::string_view::npos) {
      return std::nullopt;
    }
    auto token = rest_.substr(0, at);
    rest_.remove_prefix(at + 1);
    return token;
  }

  /// A decimal without sign or leading zeros (so each number has one spelling).
  static std::optional<std::uint64_t> number(std::string_view digits) {
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) {
      return std::nullopt;
    }
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec != std::errc{} || p != digits.data() + digits.size()) {
      return std::nullopt;
    }
    return v;
  }

  /// "<len>:<bytes>".
  std::optional<std::string> field() {
    auto len_text = until(':');
    if (!len_text) {
      return std::nullopt;
    }
    auto len = number(*len_text);
    if (!len || *len > rest_.size()) {
      return std::nullopt;
    }
    std::string value{rest_.substr(0, *len)};
    rest_.remove_prefix(*len);
    return value;
  }

  [[nodiscard]] bool done() const { return rest_.empty(); }

 private:
  std::string_view rest_;
};

std::optional<invalidation> decode_impl(std::string_view text) {
  reader in{text};
  bool sequenced = false;
  if (in.expect(sequenced_tag)) {
    sequenced = true;
  } else if (!in.expect(wire_tag)) {
    return std::nullopt;
  }
  if (!in.expect("|")) {
    return std::nullopt;
  }
  invalidation inv;
  auto kind_name = in.until('|');
  if (!kind_name) {
    return std::nullopt;
  }
  auto kind = parse_invalidation_kind(*kind_name);
  if (!kind) {
    return std::nullopt;
  }
  inv.what = *kind;
  auto gen_text = in.until('|');
  if (!gen_text) {
    return std::nullopt;
  }
  auto gen = reader::number(*gen_text);
  if (!gen) {
    return std::nullopt;
  }
  inv.generation = *gen;
  if (sequenced) {
    // Both non-zero: 0 means "unsequenced", which version 1 says.
    for (auto* slot : {&inv.seq, &inv.epoch}) {
      auto number_text = in.until('|');
      if (!number_text) {
        return std::nullopt;
      }
      auto number = reader::number(*number_text);
      if (!number || *number == 0) {
        return std::nullopt;
      }
      *slot = *number;
    }
  }
  const std::array<std::string*, 4> fields{&inv.market, &inv.contact, &inv.task, &inv.key};
  bool first = true;
  for (auto* f : fields) {
    if (!first && !in.expect("|")) {
      return std::nullopt;
    }
    first = false;
    auto value = in.field();
    if (!value) {
      return std::nullopt;
    }
    *f = std::move(*value);
  }
  if (!in.done()) {
    return std::nullopt;
  }
  return inv;
}

bool needs_escape(unsigned char c) { return c <= 0x20 || c == 0x7f || c == '%' || c == ':'; }

}  // namespace

std::string_view to_string(invalidation::kind k) noexcept {
  for (const auto& [kind, name] : kind_names) {
    if (kind == k) {
      return name;
    }
  }
  return "unknown";
}

std::optional<invalidation::kind> parse_invalidation_kind(std::string_view name) noexcept {
  for (const auto& [kind, kind_name] : kind_names) {
    if (kind_name == name) {
      return kind;
    }
  }
  return std::nullopt;
}

bool well_formed(const invalidation& inv) noexcept {
  switch (inv.what) {
    case invalidation::kind::global:
      return true;
    case invalidation::kind::market:
      return !inv.market.empty();
    case invalidation::kind::contact:
      return !inv.market.empty() && !inv.contact.empty();
    case invalidation::kind::task:
      return !inv.task.empty();
    case invalidation::kind::key:
      return !inv.key.empty();
  }
  return false;
}

encoded_parts encode_parts(const invalidation& inv) {
  encoded_parts out;
  out.head.reserve(wire_tag.size() + 10);
  out.head += wire_tag;
  out.head += '|';
  out.head += to_string(inv.what);
  out.head += '|';
  out.tail.reserve(24 + inv.market.size() + inv.contact.size() + inv.task.size() + inv.key.size());
  append_field(out.tail, inv.market);
  append_field(out.tail, inv.contact);
  append_field(out.tail, inv.task);
  append_field(out.tail, inv.key);
  return out;
}

encoded_parts encode_sequenced_parts(const invalidation& inv) {
  auto parts = encode_parts(inv);
  parts.head.replace(0, wire_tag.size(), sequenced_tag);
  return parts;
}

std::string encode(const invalidation& inv) {
  if (inv.seq == 0) {
    auto parts = encode_parts(inv);
    return parts.head + std::to_string(inv.generation) + parts.tail;
  }
  auto parts = encode_sequenced_parts(inv);
  return parts.head + std::to_string(inv.generation) + '|' + std::to_string(inv.seq) + '|' +
         std::to_string(inv.epoch) + parts.tail;
}

std::optional<invalidation> decode(std::string_view text) noexcept {
  try {
    return decode_impl(text);
  } catch (...) {
    // Only allocation can throw here; a message we cannot hold is one we drop.
    return std::nullopt;
  }
}

redis_keys::redis_keys(std::string prefix) : prefix_(std::move(prefix)) {}

std::string redis_keys::escape(std::string_view id) {
  static constexpr std::string_view hex = "0123456789ABCDEF";
  std::string out;
  out.reserve(id.size());
  for (const char ch : id) {
    const auto c = static_cast<unsigned char>(ch);
    if (needs_escape(c)) {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0x0f];
    } else {
      out += ch;
    }
  }
  return out;
}

std::string redis_keys::entry(std::string_view digest) const {
  return prefix_ + ":l2:" + escape(digest);
}

std::string redis_keys::generation_tag() const { return "{" + prefix_ + ":gen}"; }

std::string redis_keys::global_generation() const { return generation_tag() + ":global"; }

std::string redis_keys::market_generation(std::string_view market) const {
  return generation_tag() + ":market:" + escape(market);
}

std::string redis_keys::contact_generation(std::string_view market,
                                           std::string_view contact) const {
  return generation_tag() + ":contact:" + escape(market) + ":" + escape(contact);
}

std::string redis_keys::task_generation(std::string_view task) const {
  return generation_tag() + ":task:" + escape(task);
}

std::string redis_keys::channel() const { return prefix_ + ":invalidate"; }

}  // namespace openhouse::cache
