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
  // Phones: a '+' or digit not glued to a word, then digits and common separators.
  for (std::size_t i = 0; i < text.size() && m.phones.size() < max_mentions;) {
    const char c = text[i];
    const bool starts = (c == '+' || is_digit(c)) && (i == 0 || !is_alnum(text[i - 1]));
    if (!starts) {
      ++i;
      continue;
    }
    std::size_t j = i + (c == '+' ? 1 : 0), digits = 0, last_digit = i;
    while (j < text.size() && (is_digit(text[j]) || is_phone_sep(text[j])) && digits <= 15) {
      if (is_digit(text[j])) {
        ++digits;
        last_digit = j;
      }
      ++j;
    }
    const bool glued = last_digit + 1 < text.size() && is_alnum(text[last_digit + 1]);
    if (digits >= 9 && digits <= 15 && !glued) {
      if (auto p = core::normalize_phone(text.substr(i, last_digit + 1 - i))) add_unique(m.phones, *p);
    }
    i = last_digit + 1 > i ? last_digit + 1 : i + 1;
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
