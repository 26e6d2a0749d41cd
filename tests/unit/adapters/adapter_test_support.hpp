// Shared by the adapter tests: fixtures by folder, a source and a delivery built the way the
// webhook tests build them, and the checks several tests repeat (a failure's code, field and
// message; a contact's name; a config error that names the bad option).
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/inbound_request.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"
#include "support/fixtures.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace lg::adapters::test_support {

// tests/fixtures/<folder>/<name>, byte for byte.
inline std::string fixture(const std::string& folder, const std::string& name) {
  return lg::test::fixture_text(folder + "/" + name);
}

inline config::source_config source(std::string id, std::string channel, std::string preset,
                                    nlohmann::json options) {
  config::source_config s;
  s.id = std::move(id);
  s.channel = std::move(channel);
  s.preset = std::move(preset);
  s.options = std::move(options);
  return s;
}

// A POST to `target` (split into path and query as the gateway does) with that body and
// Content-Type, received at 2026-11-22T03:00:00.123Z.
inline inbound_request post(const std::string& target, std::string body, std::string content_type) {
  inbound_request r;
  r.method = "POST";
  r.target = target;
  const auto q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  r.body = std::move(body);
  r.content_type = std::move(content_type);
  r.received_at = "2026-11-22T03:00:00.123Z";
  return r;
}

// The request with the (lower-case) header added; an empty value adds nothing, which is how the
// tests send a delivery without its signature.
inline inbound_request with_header(inbound_request r, std::string name, std::string value) {
  if (!value.empty()) r.headers.emplace_back(std::move(name), std::move(value));
  return r;
}

// The delivery was accepted and gave exactly one event.
inline ::testing::AssertionResult has_one_event(const std::expected<adapter_output, core::error>& out) {
  if (!out) return ::testing::AssertionFailure() << "refused: " << out.error().message;
  if (out->events.size() != 1) return ::testing::AssertionFailure() << out->events.size() << " events, not 1";
  return ::testing::AssertionSuccess();
}

// `result` failed with that code, field and message (std::nullopt: the message is not compared).
template <class T>
void expect_error(const std::expected<T, core::error>& result, core::errc code, std::string_view field,
                  std::optional<std::string_view> message, std::string_view context = {}) {
  ASSERT_FALSE(result.has_value()) << context;
  EXPECT_EQ(result.error().code, code) << context;
  EXPECT_EQ(result.error().field, field) << context;
  if (message) {
    EXPECT_EQ(result.error().message, *message) << context;
  }
}

// The contact's name as written and as split into family and given name.
inline void expect_name(const core::contact_info& c, std::string_view full, std::string_view family,
                        std::string_view given) {
  EXPECT_EQ(c.full_name, full);
  EXPECT_EQ(c.family_name, family);
  EXPECT_EQ(c.given_name, given);
}

// `build` throws config::config_error whose message contains `needle`; `what` names the case
// when nothing is thrown.
template <class Build>
void expect_config_error(Build&& build, const std::string& needle, const std::string& what = {}) {
  try {
    std::forward<Build>(build)();
    ADD_FAILURE() << "no error for " << what;
  } catch (const config::config_error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

}  // namespace lg::adapters::test_support
