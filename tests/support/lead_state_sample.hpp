#pragma once

#include "agents/lead_state.hpp"

#include <chrono>

namespace openhouse::test {

/// A lead's state with every member, and every member of its facts, away
/// from its default: what the round-trip tests store, send and compare
/// whole. Members are named one by one, so a member added to lead_state
/// stops this from compiling until it is given a value here too.
inline agents::lead_state every_field_set() {
  using std::chrono::milliseconds;
  agents::lead_state s;
  auto& [contact, active_bot, turns, needs_human, opted_out, temperature, facts, frs, pcs, handoffs,
         confusion_turns, muted, held_at_ms, crm_tags, temperature_override, override_basis,
         crm_version, state_version] = s;
  contact = "+19515550147";
  active_bot = agents::bot_kind::seller;
  turns = 9;
  needs_human = true;
  opted_out = true;
  temperature = agents::temperature::warm;
  facts.budget_usd = 615000;
  facts.pre_approved = false;
  facts.down_payment_pct = 12.5;
  facts.timeline_months = 4.5;
  facts.motivation = "growing_family";
  facts.motivation_strength = agents::motivation_level::medium;
  facts.condition = agents::property_condition::good;
  facts.price_expectation_usd = 548000;
  facts.bedrooms = 4;
  facts.bathrooms = 2.5;
  facts.property_type = "townhouse";
  facts.areas = {"Corona", "92882"};
  facts.must_haves = {"single story", "yard"};
  facts.engagement.inbound_messages = 6;
  facts.engagement.fact_turns = 3;
  facts.engagement.median_reply_delay = std::chrono::seconds{75};
  facts.crm_pinned = {"bedrooms"};
  frs = 37.5;
  pcs = 62.25;
  const std::chrono::system_clock::time_point day{milliseconds{1'701'000'000'000}};
  handoffs = {{day, agents::bot_kind::lead, agents::bot_kind::buyer},
              {day + milliseconds{90'250}, agents::bot_kind::buyer, agents::bot_kind::seller}};
  confusion_turns = 2;
  muted = true;
  held_at_ms = 1'701'000'123'456;
  crm_tags = {"Warm-Lead", "open-house"};
  temperature_override = agents::temperature::hot;
  override_basis = agents::temperature::warm;
  crm_version = 3;
  state_version = 8;
  return s;
}

}  // namespace openhouse::test
