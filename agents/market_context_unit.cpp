#include "agents/market_context_unit.hpp"

#include "agents/bots.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace openhouse::agents {

namespace {

std::string whole_dollars(std::int64_t dollars, bool commas) {
  auto digits = std::to_string(dollars);
  if (!commas) return digits;
  for (auto i = static_cast<std::ptrdiff_t>(digits.size()) - 3; i > 0; i -= 3) {
    digits.insert(static_cast<std::size_t>(i), 1, ',');
  }
  return digits;
}

std::string signed_pct(double pct) {
  if (std::abs(pct) < 0.05) return "flat";
  return fmt::format("{}{:.1f}%", pct > 0 ? "up " : "down ", std::abs(pct));
}

}  // namespace

std::string short_price(std::int64_t dollars) {
  if (dollars >= 1'000'000) {
    const auto m = std::round(static_cast<double>(dollars) / 10'000.0) / 100.0;
    auto text = fmt::format("{:.2f}", m);
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return "$" + text + "M";
  }
  if (dollars >= 1'000) return fmt::format("${}k", (dollars + 500) / 1'000);
  return "$" + std::to_string(dollars);
}

std::string month_label(const config::market_row& row) {
  static constexpr std::array<std::string_view, 12> names{"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{} {}", names.at(static_cast<std::size_t>(row.month - 1)), row.year);
}

std::string market_data_line(const config::market_row& row) {
  return fmt::format(
      "Market data: place: {}; month: {}; median sale price: about {}; price per square foot: "
      "about "
      "${:.0f}; median days on market: {}; homes for sale: {}; median price on the month before: "
      "{}.",
      row.place, month_label(row), short_price(row.median_price), row.price_per_sqft,
      row.days_on_market, row.inventory, signed_pct(row.mom_change_pct));
}

std::string market_answer_sentence(const config::market_row& row) {
  return fmt::format(
      "Homes in {} sold for a median of about {} in {} (about ${:.0f} a square foot), spending "
      "about {} "
      "days on the market, with {} for sale; prices were {} on the month.",
      row.place, short_price(row.median_price), month_label(row), row.price_per_sqft,
      row.days_on_market, row.inventory, signed_pct(row.mom_change_pct));
}

std::string no_market_data_answer(const config::market_config& cfg, std::string_view place) {
  return fmt::format(
      "I don't have recent market figures for {}, so I won't guess. An agent from {} can send you "
      "the latest sales there.",
      place, cfg.market.business_name);
}

bool carries_data(std::string_view answer, const config::market_row& row) {
  const auto has = [&](std::string_view part) {
    return answer.find(part) != std::string_view::npos;
  };
  const bool median = has(short_price(row.median_price)) ||
                      has("$" + whole_dollars(row.median_price, true)) ||
                      has("$" + whole_dollars(row.median_price, false));
  return median && has(month_label(row)) && (has("about") || has("About"));
}

cache::cache_request build_market_context_request(
    const config::market_config& cfg, const market_place& asked, const config::market_row& row,
    std::string_view day, std::string_view data_version, std::string_view contact,
    const runtime::inbound_sms& inbound, const cache::generations& g, bool generations_verified) {
  cache::cache_request out;
  out.call.task = std::string{market_context_task};
  out.call.contact = std::string{contact};  // whose budget pays for the miss
  auto& req = out.call.request;
  req.task = std::string{market_context_task};
  req.max_tokens = cfg.llm.max_output_tokens;
  req.system.push_back(
      {fmt::format(
           "You answer questions about local home prices by SMS for {business} in {market}. "
           "Answer in plain text, at most {max_chars} characters, from the market data given "
           "below only: give the median sale price as the data writes it, say \"about\" and the "
           "month the figures cover, and never quote a figure the data does not give. Do not ask "
           "a question.",
           fmt::arg("business", cfg.market.business_name), fmt::arg("market", cfg.market.name),
           fmt::arg("max_chars", answer_chars(cfg))),
       true});
  const auto data = market_data_line(row);
  req.system.push_back({data, false});
  std::string ask = "Summarise the market for someone asking about " + asked.name;
  if (asked.name != row.place) ask += " (the data is for " + row.place + ")";
  req.messages.push_back({"user", ask + "."});
  auto& u = out.unit;
  u.task = std::string{market_context_task};
  u.template_version = std::string{market_context_template};
  u.system_prompt = req.system.front().text;
  u.scope = cache::scope::market;
  u.market_id = cfg.market.id;
  u.generation = g;
  u.max_tokens = static_cast<std::uint32_t>(req.max_tokens);
  // (market, place, day) and the data's version: a new file is a new key
  // on every node that reads it, whatever the generations say.
  u.with("place", asked.name);
  u.with("day", std::string{day});
  u.with("data_version", std::string{data_version});
  u.with("data", data);
  out.known_pii.emplace_back(contact);
  out.source_sid = inbound.sid;
  out.generations_verified = generations_verified;
  return out;
}

}  // namespace openhouse::agents
