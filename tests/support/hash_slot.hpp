#pragma once

#include <cstdint>
#include <string_view>

namespace openhouse::test {

/// The Redis Cluster slot of a key (the cluster specification's HASH_SLOT):
/// CRC16 (XMODEM) of the key, or of its hash tag — the bytes between the
/// first '{' and the next '}', when that is not empty — modulo 16384.
inline std::uint16_t hash_slot(std::string_view key) {
  if (const auto open = key.find('{'); open != std::string_view::npos) {
    if (const auto close = key.find('}', open + 1);
        close != std::string_view::npos && close != open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  std::uint16_t crc = 0;
  for (const char ch : key) {
    crc ^= static_cast<std::uint16_t>(static_cast<unsigned char>(ch) << 8);
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x8000) != 0 ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021)
                                : static_cast<std::uint16_t>(crc << 1);
    }
  }
  return crc & 16383;
}

}  // namespace openhouse::test
