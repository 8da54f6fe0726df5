#pragma once

#include "cache/unit.hpp"

#include <string>
#include <string_view>

/// Cache keys: a SHA-256 digest of a canonical, length-prefixed encoding of
/// everything that decides a unit's output. The same unit gives the same key
/// in every process and on every node (no std::hash, no seed), which is what
/// lets L2 in Redis be shared.
namespace openhouse::cache {

/// The key of one unit: `digest` identifies the exact answer (L1/L2),
/// `partition` the set of entries a semantic (L3) lookup may match against.
struct unit_key {
  std::string digest;
  std::string partition;
};

/// Version tag written first into every encoding. Bump it whenever the
/// encoding changes, so old L2 entries become unreachable instead of being
/// read under a different meaning.
inline constexpr std::string_view key_format = "openhouse.cache.key/1";

/// The canonical byte string hashed into the key. Each field is written as a
/// one-byte tag, an 8-byte big-endian length and the bytes ("ab"+"c" and
/// "a"+"bc" therefore differ); numbers as 8-byte big-endian integers. Written
/// in a fixed order: format, task, model, template version, system prompt,
/// scope name, max_tokens, tools flag, global generation; then the market id
/// and generation for market scope and narrower; the contact id and
/// generation for contact scope and narrower; the conversation id for
/// conversation scope; then the inputs sorted by (name, value). Ids and
/// generations of narrower scopes than the unit's are left out, so a
/// market-scoped unit's key is the same for every lead. `stream` is left out:
/// it changes how the answer travels, not what it is.
[[nodiscard]] std::string canonical_encoding(const unit& u);

/// Lower-case hex SHA-256 (64 characters) of `bytes`, through OpenSSL EVP.
[[nodiscard]] std::string sha256_hex(std::string_view bytes);

/// The exact-match key of a unit: sha256_hex(canonical_encoding(u)).
[[nodiscard]] std::string key_digest(const unit& u);

/// The semantic-matching partition of a unit (DESIGN.md: task, model,
/// template, market, scope), as "task|model|template|market|scope|<digest>".
/// The readable fields have '%' and '|' percent-escaped so the string is
/// unambiguous. The trailing digest covers every other field of the exact key
/// except the input named `semantic_input` (the free text matched by
/// similarity): system prompt, generations, max_tokens, tools, and all other
/// inputs. So two units share a partition only when they differ in nothing
/// but that one text — a generation bump or a different city input moves a
/// unit to a new partition, never to a neighbour's answer.
[[nodiscard]] std::string partition(const unit& u, std::string_view semantic_input);

/// Both keys at once.
[[nodiscard]] unit_key make_key(const unit& u, std::string_view semantic_input);

}  // namespace openhouse::cache
