// Email normalization: the stored form (trimmed, lower-cased, syntactically checked) and the
// matching key (Gmail dots and +tags folded). Syntax follows RFC 5321/5322 "dot-atom" limits
// (local part <= 64, whole address <= 254); quoted local parts and non-ASCII addresses are
// rejected: no lead form legitimately produces them and accepting them would make keys fuzzy.
#include "core/normalize.hpp"

#include <algorithm>
#include <optional>

namespace lg::core {
namespace {

constexpr std::size_t max_email = 254;
constexpr std::size_t max_local = 64;
constexpr std::size_t max_label = 63;
// Far above any address: bounds trimming work on hostile input before the 254 check.
constexpr std::size_t max_email_input = 1024;

error email_error(std::string message) {
  return make_error(errc::invalid_field, std::move(message), "email");
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// RFC 5322 atext (already lower-cased).
bool is_local_char(char c) {
  return is_alnum(c) || std::string_view("!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Dot-separated runs of allowed characters: no leading, trailing or doubled dot.
bool valid_dot_atom(std::string_view s, bool (*allowed)(char)) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  char prev = 0;
  for (char c : s) {
    if (c == '.' ? prev == '.' : !allowed(c)) return false;
    prev = c;
  }
  return true;
}

std::optional<std::string> check_domain(std::string_view domain) {
  if (domain.empty()) return "email has no domain";
  if (domain.find('.') == std::string_view::npos) return "email domain has no dot";
  if (!valid_dot_atom(domain, [](char c) { return is_alnum(c) || c == '-'; })) {
    return "email domain has invalid characters";
  }
  std::size_t start = 0;
  while (start <= domain.size()) {
    std::size_t end = domain.find('.', start);
    if (end == std::string_view::npos) end = domain.size();
    const std::string_view label = domain.substr(start, end - start);
    if (label.size() > max_label) return "email domain label is too long";
    if (label.front() == '-' || label.back() == '-') return "email domain label starts or ends with '-'";
    start = end + 1;
  }
  const std::string_view tld = domain.substr(domain.rfind('.') + 1);
  if (tld.size() < 2 || std::all_of(tld.begin(), tld.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return "email domain has no valid top-level domain";
  }
  return std::nullopt;
}

}  // namespace

std::expected<std::string, error> normalize_email(std::string_view raw) {
  if (raw.size() > max_email_input) return std::unexpected(email_error("email is too long"));
  std::string s(trim(raw));
  if (s.empty()) return std::unexpected(email_error("email is empty"));
  if (s.size() > max_email) return std::unexpected(email_error("email is longer than 254 characters"));
  for (char& c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) {
      return std::unexpected(email_error("email contains non-ASCII characters"));
    }
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  const auto at = s.find('@');
  if (at == std::string::npos) return std::unexpected(email_error("email has no '@'"));
  if (s.find('@', at + 1) != std::string::npos) return std::unexpected(email_error("email has more than one '@'"));
  const std::string_view local = std::string_view(s).substr(0, at);
  if (local.empty()) return std::unexpected(email_error("email has an empty local part"));
  if (local.size() > max_local) return std::unexpected(email_error("email local part is longer than 64 characters"));
  if (!valid_dot_atom(local, is_local_char)) {
    return std::unexpected(email_error("email local part has invalid characters or dots"));
  }
  if (auto why = check_domain(std::string_view(s).substr(at + 1))) {
    return std::unexpected(email_error(std::move(*why)));
  }
  return s;
}

std::string email_match_key(std::string_view normalized_email) {
  const auto at = normalized_email.rfind('@');
  if (at == std::string_view::npos || at == 0) return std::string(normalized_email);
  std::string local(normalized_email.substr(0, at));
  std::string domain(normalized_email.substr(at + 1));
  // "+tag" sub-addressing: keep the part before it, unless that leaves nothing.
  if (const auto plus = local.find('+'); plus != std::string::npos && plus > 0) local.resize(plus);
  if (domain == "gmail.com" || domain == "googlemail.com") {
    // Gmail ignores dots in the local part and treats googlemail.com as gmail.com.
    std::erase(local, '.');
    domain = "gmail.com";
  }
  return local + "@" + domain;
}

}  // namespace lg::core
