#include "cache/key.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <stdexcept>
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

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xFFU));
  }
}

void put_bytes(std::string& out, tag t, std::string_view bytes) {
  out.push_back(static_cast<char>(t));
  put_u64(out, bytes.size());
  out.append(bytes);
}

void put_number(std::string& out, tag t, std::uint64_t v) {
  out.push_back(static_cast<char>(t));
  put_u64(out, v);
}

/// The encoding, optionally without the input named `skip` (for partitions).
std::string encode(const unit& u, const std::string_view* skip) {
  std::vector<const unit_input*> inputs;
  inputs.reserve(u.inputs.size());
  std::size_t size = 128 + u.task.size() + u.model.size() + u.template_version.size() +
                     u.system_prompt.size() + u.market_id.size() + u.contact_id.size() +
                     u.conversation_id.size();
  for (const auto& in : u.inputs) {
    if (skip != nullptr && in.first == *skip) {
      continue;
    }
    inputs.push_back(&in);
    size += 18 + in.first.size() + in.second.size();
  }
  // Sorted by name so that the caller's order never changes the key; by value
  // too so that even an (invalid) duplicate name gives a deterministic key.
  std::sort(inputs.begin(), inputs.end(), [](const unit_input* a, const unit_input* b) {
    return *a < *b;
  });

  std::string out;
  out.reserve(size);
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
  put_number(out, tag::input_count, inputs.size());
  for (const auto* in : inputs) {
    put_bytes(out, tag::input_name, in->first);
    put_bytes(out, tag::input_value, in->second);
  }
  return out;
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
  return encode(u, nullptr);
}

std::string sha256_hex(std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int len = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), md.data(), &len, EVP_sha256(), nullptr) != 1) {
    // Only fails when OpenSSL cannot allocate; a key must never be made up.
    throw std::runtime_error("openhouse::cache: SHA-256 failed");
  }
  constexpr std::string_view hex = "0123456789abcdef";
  std::string out;
  out.reserve(std::size_t{2} * len);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(hex[md[i] >> 4U]);
    out.push_back(hex[md[i] & 0xFU]);
  }
  return out;
}

std::string key_digest(const unit& u) {
  return sha256_hex(canonical_encoding(u));
}

std::string partition(const unit& u, std::string_view semantic_input) {
  std::string out;
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
  out.append(sha256_hex(encode(u, &semantic_input)));
  return out;
}

unit_key make_key(const unit& u, std::string_view semantic_input) {
  return unit_key{key_digest(u), partition(u, semantic_input)};
}

}  // namespace openhouse::cache
