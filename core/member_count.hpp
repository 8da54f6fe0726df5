#pragma once

#include <cstddef>

namespace openhouse::core {

namespace detail {

/// Converts to any member type; only named in unevaluated operands.
struct any_member {
  template <class T>
  operator T() const;  // NOLINT(google-explicit-constructor): the point is implicit conversion
};

template <class T, class... Members>
constexpr std::size_t count_members() {
  if constexpr (requires { T{Members{}..., any_member{}}; }) {
    return count_members<T, Members..., any_member>();
  } else {
    return sizeof...(Members);
  }
}

}  // namespace detail

/// How many members the aggregate `T` has, counted by the compiler: a
/// static_assert against a hand-kept count makes adding a member without
/// updating the code that lists every member a compile error.
template <class T>
inline constexpr std::size_t member_count = detail::count_members<T>();

}  // namespace openhouse::core
