// Mentioned phones/emails in free text: candidate scan, validation by core's normalizers.
#include "adapters/sms/mentions.hpp"

#include "core/normalize.hpp"

#include <algorithm>

namespace lg::adapters::sms {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_phone_sep(char c) { return c == ' ' || c == '.' || c == '-' || c == '(' || c == ')'; }
bool is_email_delim(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == ';' || c == '<' || c == '>' ||
         c == '(' || c == ')' || c == '[' || c == ']' || c == '"' || c == '\'' || c == ':';
}

void add_unique(std::vector<std::string>& v, std::string s) {
  if (v.size() < max_mentions && std::find(v.begin(), v.end(), s) == v.end()) v.push_back(std::move(s));
}

}  // namespace

mentions find_mentions(std::string_view text) {
  mentions m;
  // Phones: runs of digit groups ("0912 345 678", "+84 (912) 345-678") not glued to a word.
  // Two numbers side by side ("0912345678 0987654321") must not fuse into one candidate, so
  // the longest leading run of groups that libphonenumber accepts is taken, then the next.
  for (std::size_t i = 0; i < text.size() && m.phones.size() < max_mentions;) {
    const char c = text[i];
    if (!((c == '+' || c == '(' || is_digit(c)) && (i == 0 || !is_alnum(text[i - 1])))) {
      ++i;
      continue;
    }
    std::vector<std::pair<std::size_t, std::size_t>> groups;  // [begin, end) of each digit run
    std::size_t j = i + (c == '+' || c == '(' ? 1 : 0);
    while (j < text.size() && groups.size() < 8) {
      const std::size_t b = j;
      while (j < text.size() && is_digit(text[j])) ++j;
      if (j == b) break;
      groups.emplace_back(b, j);
      std::size_t k = j, seps = 0;
      while (k < text.size() && is_phone_sep(text[k]) && seps < 2) ++k, ++seps;
      if (seps == 0 || k >= text.size() || !is_digit(text[k])) break;
      j = k;
    }
    if (groups.empty()) {
      ++i;
      continue;
    }
    const bool glued = groups.back().second < text.size() && is_alnum(text[groups.back().second]);
    std::size_t used = 0;
    for (std::size_t n = groups.size(); n > 0 && !glued; --n) {
      std::size_t digits = 0;
      for (std::size_t g = 0; g < n; ++g) digits += groups[g].second - groups[g].first;
      if (digits < 9 || digits > 15) continue;
      if (auto p = core::normalize_phone(text.substr(i, groups[n - 1].second - i))) {
        add_unique(m.phones, *p);
        used = n;
        break;
      }
    }
    i = used ? groups[used - 1].second : groups.front().second;
  }
  // Emails: delimiter-separated tokens holding an '@', trailing sentence punctuation dropped.
  for (std::size_t i = 0; i < text.size() && m.emails.size() < max_mentions;) {
    while (i < text.size() && is_email_delim(text[i])) ++i;
    std::size_t j = i;
    while (j < text.size() && !is_email_delim(text[j])) ++j;
    auto token = text.substr(i, j - i);
    while (!token.empty() && (token.back() == '.' || token.back() == '!' || token.back() == '?'))
      token.remove_suffix(1);
    if (token.size() <= 254 && token.find('@') != std::string_view::npos) {
      if (auto e = core::normalize_email(token)) add_unique(m.emails, *e);
    }
    i = j;
  }
  return m;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += ',';
    out += s;
  }
  return out;
}

}  // namespace lg::adapters::sms
