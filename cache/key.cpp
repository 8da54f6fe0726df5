#include "cache/key.hpp"

// Header-only: the hash inlines into the encoder, and the binary gains no
// shared-library dependency.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

namespace openhouse::cache {

namespace {

// One tag byte per field: a field can never be read as another one, even
// when optional fields (market, contact, conversation) are left out.
enum class tag : char {
  format = 'F',
  task = 'T',
  model = 'M',
  template_version = 'V',
  system_prompt = 'S',
  scope = 'C',
  max_tokens = 'X',
  tools = 'U',
  global_generation = 'g',
  task_generation = 'k',
  redis_epoch = 'e',
  market_id = 'm',
  market_generation = 'n',
  contact_id = 'c',
  contact_generation = 'd',
  conversation_id = 'v',
  input_count = 'I',
  input_name = 'i',
  input_value = 'j',
};

/// A tag byte and an 8-byte big-endian number, the head of every field.
using field_head = std::array<char, 9>;

field_head make_head(tag t, std::uint64_t v) {
  // One 8-byte store of the swapped value: writing the bytes one by one and
  // copying them on as a word stalls on store forwarding.
  if constexpr (std::endian::native == std::endian::little) {
    v = __builtin_bswap64(v);
  }
  field_head head;
  head[0] = static_cast<char>(t);
  std::memcpy(head.data() + 1, &v, sizeof v);
  return head;
}

/// Collects the encoding as a string (canonical_encoding, for tests and tools).
class string_sink {
 public:
  explicit string_sink(std::string& out) : out_(out) {}
  void put(const char* data, std::size_t n) { out_.append(data, n); }
  void put_head(const field_head& head) { out_.append(head.data(), head.size()); }

 private:
  std::string& out_;
};

/// Feeds the encoding to XXH3-128 without building it. Small fields are
/// gathered in a stack buffer: a typical unit then fits and is hashed in one
/// shot, which is cheaper than a streaming state's per-update bookkeeping. A
/// larger encoding (a long system prompt) switches to the streaming state, and
/// a field that does not fit the buffer goes to it without a copy. One-shot
/// and streaming XXH3 give the same hash for the same bytes.
class hash_sink {
 public:
  void put_head(const field_head& head) {
    if (buffer_.size() - used_ < head.size()) {
      flush();
    }
    std::memcpy(buffer_.data() + used_, head.data(), head.size());
    used_ += head.size();
  }

  void put(const char* data, std::size_t n) {
    if (n <= buffer_.size() - used_) {
      std::memcpy(buffer_.data() + used_, data, n);
      used_ += n;
      return;
    }
    flush();
    if (n < buffer_.size()) {
      std::memcpy(buffer_.data(), data, n);
      used_ = n;
    } else {
      XXH3_128bits_update(&state_, data, n);
    }
  }

  [[nodiscard]] XXH128_hash_t digest() {
    if (!streaming_) {
      return XXH3_128bits(buffer_.data(), used_);
    }
    XXH3_128bits_update(&state_, buffer_.data(), used_);
    return XXH3_128bits_digest(&state_);
  }

 private:
  void flush() {
    if (!streaming_) {
      XXH3_INITSTATE(&state_);
      XXH3_128bits_reset(&state_);
      streaming_ = true;
    }
    XXH3_128bits_update(&state_, buffer_.data(), used_);
    used_ = 0;
  }

  std::array<char, 1024> buffer_;  // uninitialised on purpose: only [0, used_) is read
  std::size_t used_ = 0;
  bool streaming_ = false;
  XXH3_state_t state_;  // set up by flush() only when the buffer overflows
};

template <class Sink>
void put_number(Sink& out, tag t, std::uint64_t v) {
  out.put_head(make_head(t, v));
}

template <class Sink>
void put_bytes(Sink& out, tag t, std::string_view bytes) {
  put_number(out, t, bytes.size());
  out.put(bytes.data(), bytes.size());
}

/// Up to this many inputs are sorted in a stack array instead of a vector:
/// units have a handful.
constexpr std::size_t inline_inputs = 16;

/// Writes the encoding to `out`, optionally without the input named `skip`
/// (for partitions).
template <class Sink>
void encode(const unit& u, const std::string_view* skip, Sink& out) {
  std::array<const unit_input*, inline_inputs> small;  // only [0, count) is read
  std::vector<const unit_input*> large;
  const unit_input** inputs = small.data();
  if (u.inputs.size() > inline_inputs) {
    large.resize(u.inputs.size());
    inputs = large.data();
  }
  std::size_t count = 0;
  for (const auto& in : u.inputs) {
    if (skip == nullptr || in.first != *skip) {
      inputs[count++] = &in;
    }
  }
  // Sorted by name so that the caller's order never changes the key; by value
  // too so that even an (invalid) duplicate name gives a deterministic key.
  std::sort(inputs, inputs + count,
            [](const unit_input* a, const unit_input* b) { return *a < *b; });

  put_bytes(out, tag::format, key_format);
  put_bytes(out, tag::task, u.task);
  put_bytes(out, tag::model, u.model);
  put_bytes(out, tag::template_version, u.template_version);
  put_bytes(out, tag::system_prompt, u.system_prompt);
  put_bytes(out, tag::scope, to_string(u.scope));
  put_number(out, tag::max_tokens, u.max_tokens);
  put_number(out, tag::tools, u.tools ? 1 : 0);
  put_number(out, tag::global_generation, u.generation.global);
  // Written only once a task has been invalidated, so that keys from before
  // task generations existed stay what they were; the tag keeps it unambiguous.
  if (u.generation.task != 0) {
    put_number(out, tag::task_generation, u.generation.task);
  }
  // Likewise written only once Redis has given one: keys from before epochs
  // existed stay valid, and entries of another Redis life never match.
  if (u.generation.epoch != 0) {
    put_number(out, tag::redis_epoch, u.generation.epoch);
  }
  if (has_market(u.scope)) {
    put_bytes(out, tag::market_id, u.market_id);
    put_number(out, tag::market_generation, u.generation.market);
  }
  if (has_contact(u.scope)) {
    put_bytes(out, tag::contact_id, u.contact_id);
    put_number(out, tag::contact_generation, u.generation.contact);
  }
  if (u.scope == scope::conversation) {
    put_bytes(out, tag::conversation_id, u.conversation_id);
  }
  put_number(out, tag::input_count, count);
  for (std::size_t i = 0; i < count; ++i) {
    put_bytes(out, tag::input_name, inputs[i]->first);
    put_bytes(out, tag::input_value, inputs[i]->second);
  }
}

/// Appends the 32 lower-case hex characters of `h`'s canonical form.
void append_hex(std::string& out, XXH128_hash_t h) {
  XXH128_canonical_t canonical;
  XXH128_canonicalFromHash(&canonical, h);
  constexpr std::string_view hex = "0123456789abcdef";
  const auto old = out.size();
  out.resize(old + key_digest_size);
  char* p = out.data() + old;
  for (unsigned char b : canonical.digest) {
    *p++ = hex[b >> 4U];
    *p++ = hex[b & 0xFU];
  }
}

XXH128_hash_t hash_of(const unit& u, const std::string_view* skip) {
  hash_sink sink;
  encode(u, skip, sink);
  return sink.digest();
}

void append_escaped(std::string& out, std::string_view field) {
  constexpr std::string_view hex = "0123456789ABCDEF";
  for (char c : field) {
    if (c == '%' || c == '|') {
      const auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[b >> 4U]);
      out.push_back(hex[b & 0xFU]);
    } else {
      out.push_back(c);
    }
  }
}

}  // namespace

std::string canonical_encoding(const unit& u) {
  std::size_t size = 128 + key_format.size() + u.task.size() + u.model.size() +
                     u.template_version.size() + u.system_prompt.size() + u.market_id.size() +
                     u.contact_id.size() + u.conversation_id.size();
  for (const auto& in : u.inputs) {
    size += 18 + in.first.size() + in.second.size();
  }
  std::string out;
  out.reserve(size);
  string_sink sink{out};
  encode(u, nullptr, sink);
  return out;
}

std::string xxh128_hex(std::string_view bytes) {
  std::string out;
  append_hex(out, XXH3_128bits(bytes.data(), bytes.size()));
  return out;
}

std::string key_digest(const unit& u) {
  std::string out;
  append_hex(out, hash_of(u, nullptr));
  return out;
}

bool is_key_digest(std::string_view s) noexcept {
  return s.size() == key_digest_size && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string partition(const unit& u, std::string_view semantic_input) {
  std::string out;
  // Escaping can at most triple a field; usually nothing is escaped.
  out.reserve(u.task.size() + u.model.size() + u.template_version.size() + u.market_id.size() +
              to_string(u.scope).size() + 5 + key_digest_size + 16);
  append_escaped(out, u.task);
  out.push_back('|');
  append_escaped(out, u.model);
  out.push_back('|');
  append_escaped(out, u.template_version);
  out.push_back('|');
  if (has_market(u.scope)) {
    append_escaped(out, u.market_id);
  }
  out.push_back('|');
  out.append(to_string(u.scope));
  out.push_back('|');
  append_hex(out, hash_of(u, &semantic_input));
  return out;
}

unit_key make_key(const unit& u, std::string_view semantic_input) {
  return unit_key{key_digest(u), partition(u, semantic_input)};
}

}  // namespace openhouse::cache
