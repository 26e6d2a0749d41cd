// The IMAP4rev1 wire format as far as the poller needs it (RFC 3501), as pure functions over
// bytes: framing one server response (a line, possibly with {n} literals and the lines after
// them) off a receive buffer under line and literal limits, and reading the few responses the
// poller acts on (tagged status, CAPABILITY, EXISTS, UIDVALIDITY/UIDNEXT codes, FETCH items).
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace lg::adapters::email::imap {

struct limits {
  std::size_t max_line = 64 * 1024;            // one line, literals excluded
  std::size_t max_literal = 16 * 1024 * 1024;  // one {n} literal
  std::size_t max_literals = 16;               // literals in one response
};

// One server response. `text` is its lines joined as sent (each literal's "{n}" marker stays in
// place, the literal bytes themselves are in `literals`, in order).
struct response {
  std::string text;
  std::vector<std::string> literals;
};

// Takes one complete response off the front of `buf`. nullopt: more bytes are needed. Errors:
// bad_request when a line or literal is over its limit (the connection cannot continue).
std::expected<std::optional<response>, core::error> take_response(std::string& buf, const limits& lim);

// "a7 OK [READ-WRITE] done" -> {tag "a7", status "OK", text "[READ-WRITE] done"}; nullopt for
// untagged ("* …") and continuation ("+ …") responses.
struct tagged_status {
  std::string tag;
  std::string status;  // OK, NO, BAD (upper case)
  std::string text;
};
std::optional<tagged_status> parse_tagged(std::string_view line);

bool is_continuation(std::string_view line) noexcept;
// "* BYE …"
bool is_bye(std::string_view line) noexcept;

// The capability atoms of "* CAPABILITY …" or of a "[CAPABILITY …]" response code, upper case.
std::optional<std::vector<std::string>> capabilities(std::string_view line);
bool has_capability(const std::vector<std::string>& caps, std::string_view name) noexcept;

// "* 12 EXISTS" -> 12 (also RECENT, EXPUNGE with that keyword).
std::optional<std::uint32_t> untagged_number(std::string_view line, std::string_view keyword);
// "* OK [UIDVALIDITY 3857529045] …" -> 3857529045 for code "UIDVALIDITY" (also UIDNEXT).
std::optional<std::uint64_t> response_code_number(std::string_view line, std::string_view code);

// One "* n FETCH (…)" response: its UID, RFC822.SIZE and the BODY[…] section's bytes (a literal,
// a quoted string or NIL).
struct fetch_item {
  std::uint32_t seq = 0;
  std::optional<std::uint32_t> uid;
  std::optional<std::uint64_t> size;
  std::optional<std::string> body;
};
std::optional<fetch_item> parse_fetch(const response& r);

// An astring argument: a quoted string when the value is printable ASCII, else nullopt (the
// caller sends a literal).
std::optional<std::string> quoted(std::string_view value);

}  // namespace lg::adapters::email::imap
