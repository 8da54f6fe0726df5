#include "core/time_zone.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace openhouse::runtime {

namespace {

std::int64_t read_be(const unsigned char* p, int bytes) {
  std::uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) {
    v = (v << 8U) | p[i];
  }
  // Sign-extend 4-byte values.
  if (bytes == 4) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  }
  return static_cast<std::int64_t>(v);
}

struct header {
  char version;
  std::int64_t isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

header read_header(const std::vector<unsigned char>& d, std::size_t at) {
  if (d.size() < at + 44 || d[at] != 'T' || d[at + 1] != 'Z' || d[at + 2] != 'i' ||
      d[at + 3] != 'f') {
    throw std::runtime_error("not a TZif file");
  }
  const auto* p = d.data() + at + 20;
  return {static_cast<char>(d[at + 4]), read_be(p, 4),      read_be(p + 4, 4), read_be(p + 8, 4),
          read_be(p + 12, 4),           read_be(p + 16, 4), read_be(p + 20, 4)};
}

std::size_t data_size(const header& h, int time_bytes) {
  return static_cast<std::size_t>(h.timecnt * time_bytes + h.timecnt + h.typecnt * 6 + h.charcnt +
                                  h.leapcnt * (time_bytes + 4) + h.isstdcnt + h.isutcnt);
}

}  // namespace

time_zone time_zone::load(const std::string& name, const std::string& zoneinfo_dir) {
  if (name.empty() || name.find("..") != std::string::npos || name.front() == '/') {
    throw std::runtime_error("bad time zone name: " + name);
  }
  std::ifstream in{zoneinfo_dir + "/" + name, std::ios::binary};
  if (!in) {
    throw std::runtime_error("unknown time zone: " + name);
  }
  const std::vector<unsigned char> d{std::istreambuf_iterator<char>{in}, {}};
  auto h = read_header(d, 0);
  std::size_t at = 44;
  int time_bytes = 4;
  if (h.version >= '2') {
    // Skip the 32-bit block; the 64-bit one that follows covers all times.
    at += data_size(h, 4);
    h = read_header(d, at);
    at += 44;
    time_bytes = 8;
  }
  if (d.size() < at + data_size(h, time_bytes) || h.typecnt < 1) {
    throw std::runtime_error("truncated TZif file: " + name);
  }
  const auto* times = d.data() + at;
  const auto* indexes = times + h.timecnt * time_bytes;
  const auto* types = indexes + h.timecnt;
  auto type_offset = [&](std::size_t i) {
    if (static_cast<std::int64_t>(i) >= h.typecnt) {
      throw std::runtime_error("bad TZif type index: " + name);
    }
    return static_cast<std::int32_t>(read_be(types + i * 6, 4));
  };
  time_zone tz;
  tz.initial_offset_ = type_offset(0);
  tz.transitions_.reserve(static_cast<std::size_t>(h.timecnt));
  for (std::int64_t i = 0; i < h.timecnt; ++i) {
    tz.transitions_.push_back(
        {read_be(times + i * time_bytes, time_bytes), type_offset(indexes[i])});
  }
  return tz;
}

time_zone time_zone::fixed(std::chrono::seconds offset) {
  time_zone tz;
  tz.initial_offset_ = static_cast<std::int32_t>(offset.count());
  return tz;
}

std::chrono::seconds time_zone::utc_offset(time_point t) const {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  // The last transition at or before t decides. (Debian ships "fat" TZif
  // files with explicit transitions to 2037; after that the last rule holds.)
  auto it = std::upper_bound(transitions_.begin(), transitions_.end(), s,
                             [](std::int64_t v, const transition& tr) { return v < tr.at; });
  if (it == transitions_.begin()) {
    return std::chrono::seconds{initial_offset_};
  }
  return std::chrono::seconds{std::prev(it)->offset};
}

std::string time_zone::day_key(time_point t) const {
  const auto local = std::chrono::floor<std::chrono::days>(t + utc_offset(t));
  const std::chrono::year_month_day ymd{std::chrono::sys_days{local.time_since_epoch()}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

int time_zone::minute_of_day(time_point t) const {
  const auto local = t + utc_offset(t);
  const auto since_midnight = local - std::chrono::floor<std::chrono::days>(local);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(since_midnight).count());
}

}  // namespace openhouse::runtime
