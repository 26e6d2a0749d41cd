// Raw RFC 5322 messages (as an IMAP server hands them over) read with GMime: the sender, the
// subject (RFC 2047 words decoded), the Message-ID and Date, and the text of the first
// text/plain part (else text/html with the tags dropped), in UTF-8 whatever the charset and
// transfer encoding (quoted-printable, base64) were. A message GMime reports as structurally
// broken (a multipart without boundary, truncated, nested too deep, …) is an error: the poller
// keeps it in quarantine instead of guessing.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <expected>
#include <optional>
#include <string>
#include <string_view>

namespace lg::adapters::email {

struct mime_message {
  std::string from_name;      // decoded display name; may be empty
  std::string from_address;   // as written; may be empty
  std::string subject;        // decoded, UTF-8
  std::string message_id;     // without the angle brackets; may be empty
  std::optional<std::string> date;  // RFC 3339 of the Date header
  std::string text;           // UTF-8, at most max_text bytes
  bool text_truncated = false;
  std::size_t parts = 0;      // leaf MIME parts seen
};

// Errors: bad_request naming what GMime found broken. With headers_only the body is not read
// (an oversize message fetched as its header block only).
std::expected<mime_message, core::error> parse_mime(std::string_view raw, std::size_t max_text,
                                                    bool headers_only = false);

}  // namespace lg::adapters::email
