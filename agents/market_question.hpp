#pragma once

#include "config/market.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

/// Which texts ask about the market of one of the market's places — what
/// homes sell for, how long they sit, how many are for sale, where prices
/// head ("what do houses go for in Corona?", "is 92880 moving fast?") — and
/// so get an answer from the market's data file (market_context_unit).
///
/// Word rules, not a model: the place must be the market's (a city, one of
/// its zips, or another place name the market serves), and the text must ask
/// about homes in general. Not a market question: a lead's own plan ("we
/// want to sell in Corona") or own home ("what's my house in Corona worth"),
/// one particular home ("the house on Elm"), a figure that narrows the
/// question beyond the data ("3 bedrooms under 600k"), rent, taxes, fees
/// and other topics the brokerage's FAQ answers, or two places at once.
namespace openhouse::agents {

/// The place a market question asks about.
struct market_place {
  std::string name;  ///< as the market writes it: "Corona", "92880"
  std::string city;  ///< the market's city it lies in ("" when not one of them)
  bool zip = false;

  bool operator==(const market_place&) const = default;
};

/// The market's places, compiled once. Immutable; thread-safe.
class market_question_matcher {
 public:
  /// `extra_places`: place names the market serves beyond market.cities
  /// (cache.semantic.cities): asked about, they get "no data" when the
  /// data file has none.
  market_question_matcher(const config::market_config& cfg, std::vector<std::string> extra_places);

  /// The place `text` asks the market of, or nullopt when it is no market
  /// question about exactly one of the market's places.
  [[nodiscard]] std::optional<market_place> match(std::string_view text) const;

 private:
  struct place_words {
    std::vector<std::string> words;  ///< lower case, as faq_catalog::words splits
    market_place place;
  };
  std::vector<place_words> places_;  ///< longest first: "chino hills" before "chino"
};

}  // namespace openhouse::agents
