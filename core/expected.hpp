#pragma once

#include <concepts>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <variant>

/// The project's one idiom for expected failures of plain functions: a value
/// or the reason there is none, as C++23's std::expected (a subset with the
/// same names, so moving to the standard type is a rename). CAF's
/// caf::expected / caf::error stay at actor boundaries; exceptions only at the
/// client edges (libpqxx, hiredis, libcurl), caught there and turned into
/// this. See README, "Errors".
namespace openhouse {

/// The error side of an `expected`, as in `return unexpected{parse_error{...}};`.
template <class E>
class unexpected {
 public:
  explicit unexpected(E error) : error_(std::move(error)) {}
  [[nodiscard]] const E& error() const& noexcept { return error_; }
  [[nodiscard]] E& error() & noexcept { return error_; }
  [[nodiscard]] E&& error() && noexcept { return std::move(error_); }

 private:
  E error_;
};

template <class E>
unexpected(E) -> unexpected<E>;

/// Thrown by `expected::value()` when it holds an error: reading a value that
/// is not there is a bug of the caller, who should have tested `has_value()`.
class bad_expected_access : public std::logic_error {
 public:
  bad_expected_access() : std::logic_error("expected::value() called on an error") {}
};

/// A `T`, or an `E` saying why there is none.
template <class T, class E>
class expected {
  static_assert(!std::is_reference_v<T> && !std::is_reference_v<E>);

 public:
  using value_type = T;
  using error_type = E;

  /// A value; implicit, so a function returns its `T` as it is.
  template <class U = T>
  requires std::constructible_from<T, U&&> &&(!std::same_as<std::remove_cvref_t<U>, expected>)&&(
      !std::same_as<std::remove_cvref_t<U>, unexpected<E>>)
      expected(U&& value)  // NOLINT(google-explicit-constructor)
      : storage_(std::in_place_index<0>, std::forward<U>(value)) {}

  /// An error; implicit from `unexpected`, so `return unexpected{e};` reads as intended.
  template <class G>
  requires std::constructible_from<E, G> expected(
      unexpected<G> error)  // NOLINT(google-explicit-constructor)
      : storage_(std::in_place_index<1>, std::move(error).error()) {}

  [[nodiscard]] bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  /// The value; throws bad_expected_access when this holds an error.
  [[nodiscard]] const T& value() const& {
    if (!has_value()) throw bad_expected_access{};
    return std::get<0>(storage_);
  }
  [[nodiscard]] T& value() & {
    if (!has_value()) throw bad_expected_access{};
    return std::get<0>(storage_);
  }
  [[nodiscard]] T&& value() && {
    if (!has_value()) throw bad_expected_access{};
    return std::get<0>(std::move(storage_));
  }

  /// The error; only when `!has_value()` (checked: a bug otherwise).
  [[nodiscard]] const E& error() const& {
    if (has_value()) throw bad_expected_access{};
    return std::get<1>(storage_);
  }
  [[nodiscard]] E& error() & {
    if (has_value()) throw bad_expected_access{};
    return std::get<1>(storage_);
  }
  [[nodiscard]] E&& error() && {
    if (has_value()) throw bad_expected_access{};
    return std::get<1>(std::move(storage_));
  }

  [[nodiscard]] const T& operator*() const& { return value(); }
  [[nodiscard]] T& operator*() & { return value(); }
  [[nodiscard]] const T* operator->() const { return &value(); }
  [[nodiscard]] T* operator->() { return &value(); }

  /// The value, or `fallback` when this holds an error.
  template <class U>
  [[nodiscard]] T value_or(U&& fallback) const& {
    return has_value() ? std::get<0>(storage_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  // Indexed, not typed, so that T and E may be the same type.
  std::variant<T, E> storage_;
};

}  // namespace openhouse
