// Phones and emails mentioned inside a free-text message (an SMS body, a chat line). They are
// NOT identity: "call my mother at 0912…" names someone else, so they are only recorded in the
// event's extra for a person to read. Candidates are found by a simple scan and kept only when
// core's normalizers (libphonenumber, the email validator) accept them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lg::adapters::sms {

inline constexpr std::size_t max_mentions = 5;

struct mentions {
  std::vector<std::string> phones;  // E.164, deduplicated, at most max_mentions
  std::vector<std::string> emails;  // normalized, deduplicated, at most max_mentions
};

mentions find_mentions(std::string_view text);

// "a,b,c" — how the lists travel in lead_event::extra.
std::string join(const std::vector<std::string>& v);

}  // namespace lg::adapters::sms
