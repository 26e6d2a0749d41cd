// IMAP response framing and reading; see imap_protocol.hpp.
#include "adapters/email/imap_protocol.hpp"

#include <algorithm>
#include <charconv>

namespace lg::adapters::email::imap {
namespace {

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return upper(x) == upper(y); });
}

// Case-insensitive find of an ASCII needle.
std::size_t ifind(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (needle.size() > hay.size()) return std::string_view::npos;
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (iequals(hay.substr(i, needle.size()), needle)) return i;
  }
  return std::string_view::npos;
}

template <class T>
std::optional<T> number_at(std::string_view s, std::size_t pos) {
  T v{};
  const auto* b = s.data() + pos;
  const auto* e = s.data() + s.size();
  auto [p, ec] = std::from_chars(b, e, v);
  if (ec != std::errc{} || p == b) return std::nullopt;
  return v;
}

// The literal size announced at the end of a line ("… {123}" or "{123+}"), if any.
std::optional<std::size_t> literal_size(std::string_view line) {
  if (line.empty() || line.back() != '}') return std::nullopt;
  const auto open = line.rfind('{');
  if (open == std::string_view::npos) return std::nullopt;
  auto digits = line.substr(open + 1, line.size() - open - 2);
  if (!digits.empty() && digits.back() == '+') digits.remove_suffix(1);
  if (digits.empty() || digits.size() > 12 || !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return number_at<std::size_t>(digits, 0);
}

std::vector<std::string> atoms(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty() && out.size() < 256) {
    const auto sp = s.find(' ');
    auto a = s.substr(0, sp);
    if (!a.empty()) {
      std::string u(a);
      std::transform(u.begin(), u.end(), u.begin(), upper);
      out.push_back(std::move(u));
    }
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return out;
}

}  // namespace

std::expected<std::optional<response>, core::error> take_response(std::string& buf, const limits& lim) {
  response r;
  std::size_t pos = 0;
  while (true) {
    const auto crlf = buf.find("\r\n", pos);
    if (crlf == std::string::npos) {
      if (buf.size() - pos > lim.max_line)
        return std::unexpected(core::make_error(core::errc::bad_request, "IMAP response line over the line limit"));
      return std::nullopt;
    }
    if (crlf - pos > lim.max_line)
      return std::unexpected(core::make_error(core::errc::bad_request, "IMAP response line over the line limit"));
    const std::string_view line(buf.data() + pos, crlf - pos);
    const auto n = literal_size(line);
    if (!n) {
      r.text.append(line);
      buf.erase(0, crlf + 2);
      return std::optional<response>(std::move(r));
    }
    if (*n > lim.max_literal)
      return std::unexpected(core::make_error(core::errc::bad_request,
                                              "IMAP literal of " + std::to_string(*n) + " bytes over the limit"));
    if (r.literals.size() >= lim.max_literals)
      return std::unexpected(core::make_error(core::errc::bad_request, "too many literals in one IMAP response"));
    if (buf.size() < crlf + 2 + *n) return std::nullopt;  // the literal is still on its way
    r.text.append(line);
    r.literals.emplace_back(buf, crlf + 2, *n);
    pos = crlf + 2 + *n;
  }
}

std::optional<tagged_status> parse_tagged(std::string_view line) {
  if (line.empty() || line.front() == '*' || line.front() == '+') return std::nullopt;
  const auto sp = line.find(' ');
  if (sp == std::string_view::npos || sp == 0) return std::nullopt;
  tagged_status t;
  t.tag = std::string(line.substr(0, sp));
  auto rest = line.substr(sp + 1);
  const auto sp2 = rest.find(' ');
  t.status = std::string(rest.substr(0, sp2));
  std::transform(t.status.begin(), t.status.end(), t.status.begin(), upper);
  if (t.status != "OK" && t.status != "NO" && t.status != "BAD") return std::nullopt;
  if (sp2 != std::string_view::npos) t.text = std::string(rest.substr(sp2 + 1));
  return t;
}

bool is_continuation(std::string_view line) noexcept { return !line.empty() && line.front() == '+'; }

bool is_bye(std::string_view line) noexcept { return line.size() >= 5 && iequals(line.substr(0, 5), "* BYE"); }

std::optional<std::vector<std::string>> capabilities(std::string_view line) {
  if (line.size() >= 13 && iequals(line.substr(0, 13), "* CAPABILITY ")) return atoms(line.substr(13));
  const auto at = ifind(line, "[CAPABILITY ");
  if (at == std::string_view::npos) return std::nullopt;
  const auto end = line.find(']', at);
  if (end == std::string_view::npos) return std::nullopt;
  return atoms(line.substr(at + 12, end - at - 12));
}

bool has_capability(const std::vector<std::string>& caps, std::string_view name) noexcept {
  return std::any_of(caps.begin(), caps.end(), [&](const std::string& c) { return iequals(c, name); });
}

std::optional<std::uint32_t> untagged_number(std::string_view line, std::string_view keyword) {
  if (line.size() < 3 || line.substr(0, 2) != "* ") return std::nullopt;
  auto n = number_at<std::uint32_t>(line, 2);
  if (!n) return std::nullopt;
  const auto sp = line.find(' ', 2);
  if (sp == std::string_view::npos) return std::nullopt;
  auto rest = line.substr(sp + 1);
  if (rest.size() < keyword.size() || !iequals(rest.substr(0, keyword.size()), keyword)) return std::nullopt;
  if (rest.size() > keyword.size() && rest[keyword.size()] != ' ') return std::nullopt;
  return n;
}

std::optional<std::uint64_t> response_code_number(std::string_view line, std::string_view code) {
  std::string needle = "[";  // appended: GCC 12 at -O3 warns falsely (-Wrestrict) on "[" + s
  needle += code;
  needle += ' ';
  const auto at = ifind(line, needle);
  if (at == std::string_view::npos) return std::nullopt;
  return number_at<std::uint64_t>(line, at + needle.size());
}

std::optional<fetch_item> parse_fetch(const response& r) {
  const std::string_view t = r.text;
  auto seq = untagged_number(t, "FETCH");
  if (!seq) return std::nullopt;
  fetch_item item;
  item.seq = *seq;
  const auto open = t.find('(');
  if (open == std::string_view::npos) return std::nullopt;
  // Items are read in order; a literal's "{n}" marker is counted to pick the right literal.
  std::size_t literal_index = 0;
  std::size_t i = open + 1;
  while (i < t.size()) {
    while (i < t.size() && t[i] == ' ') ++i;
    if (i >= t.size() || t[i] == ')') break;
    const auto name_end = t.find_first_of(" [", i);
    if (name_end == std::string_view::npos) break;
    std::string_view name = t.substr(i, name_end - i);
    i = name_end;
    if (t[i] == '[') {  // BODY[…] section, maybe followed by <origin>
      const auto close = t.find(']', i);
      if (close == std::string_view::npos) return std::nullopt;
      i = close + 1;
      if (i < t.size() && t[i] == '<') {
        const auto gt = t.find('>', i);
        if (gt == std::string_view::npos) return std::nullopt;
        i = gt + 1;
      }
    }
    while (i < t.size() && t[i] == ' ') ++i;
    if (i >= t.size()) break;
    // The value: a number, NIL, a quoted string, a literal, or a parenthesized list.
    std::optional<std::string> value_bytes;
    std::string_view value_text;
    if (t[i] == '{') {
      const auto close = t.find('}', i);
      if (close == std::string_view::npos || literal_index >= r.literals.size()) return std::nullopt;
      value_bytes = r.literals[literal_index++];
      i = close + 1;
    } else if (t[i] == '"') {
      std::string s;
      ++i;
      while (i < t.size() && t[i] != '"') {
        if (t[i] == '\\' && i + 1 < t.size()) ++i;
        s.push_back(t[i++]);
      }
      ++i;
      value_bytes = std::move(s);
    } else if (t[i] == '(') {
      int depth = 0;
      const auto start = i;
      for (; i < t.size(); ++i) {
        if (t[i] == '(') ++depth;
        if (t[i] == ')' && --depth == 0) break;
        if (t[i] == '{') {  // a literal inside a list (an ENVELOPE, not asked for): skip it
          ++literal_index;
        }
      }
      ++i;
      value_text = t.substr(start, i - start);
    } else {
      const auto end = t.find_first_of(" )", i);
      value_text = t.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      i = end == std::string_view::npos ? t.size() : end;
    }
    if (iequals(name, "UID")) {
      item.uid = number_at<std::uint32_t>(value_text, 0);
    } else if (iequals(name, "RFC822.SIZE")) {
      item.size = number_at<std::uint64_t>(value_text, 0);
    } else if (iequals(name, "BODY") || iequals(name, "RFC822") || iequals(name, "BINARY")) {
      item.body = value_bytes ? std::move(*value_bytes) : std::string();  // NIL: empty
    }
  }
  return item;
}

std::optional<std::string> quoted(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) return std::nullopt;
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace lg::adapters::email::imap
