#pragma once

#include "core/cache_unit.hpp"

#include <cstddef>
#include <string>
#include <string_view>

/// Cache keys: an XXH3-128 digest of a canonical, length-prefixed encoding of
/// everything that decides a unit's output. The same unit gives the same key
/// in every process and on every node (XXH3 with the default seed and secret,
/// never std::hash or a per-process seed), which is what lets L2 in Redis be
/// shared. XXH3 rather than SHA-256: the key is made on every lookup, and the
/// inputs are the service's own units, not an adversary's choice.
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
/// /1 was SHA-256; /2 is XXH3-128.
inline constexpr std::string_view key_format = "openhouse.cache.key/2";

/// Length of a key digest: 32 lower-case hex characters (128 bits).
inline constexpr std::size_t key_digest_size = 32;

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

/// Lower-case hex of the canonical (big-endian) XXH3-128 of `bytes`, with the
/// default seed: 32 characters, what `xxhsum -H2` prints.
[[nodiscard]] std::string xxh128_hex(std::string_view bytes);

/// The exact-match key of a unit: xxh128_hex(canonical_encoding(u)), computed
/// by streaming the encoding into the hash, without building it.
[[nodiscard]] std::string key_digest(const unit& u);

/// Whether `s` has the shape of a key digest (key_digest_size lower-case hex
/// characters), e.g. for a key given to the admin endpoint.
[[nodiscard]] bool is_key_digest(std::string_view s) noexcept;

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
