// GMime reading of one raw message; see mime_message.hpp.
#include "adapters/email/mime_message.hpp"

#include "adapters/telephony/hook_common.hpp"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace lg::adapters::email {
namespace {

void init_gmime() {
  static std::once_flag once;
  std::call_once(once, [] { g_mime_init(); });
}

struct gobject_unref {
  void operator()(gpointer p) const noexcept {
    if (p != nullptr) g_object_unref(p);
  }
};
template <class T>
using gptr = std::unique_ptr<T, gobject_unref>;

struct g_free_deleter {
  void operator()(gpointer p) const noexcept { g_free(p); }
};

// The parser's complaints that mean the structure cannot be trusted. Header-level warnings
// (a duplicated header, 8-bit bytes in a header, a bad encoded word) are tolerated: mail in the
// wild is full of them and GMime repairs them.
const char* fatal_warning(GMimeParserWarning w) {
  switch (w) {
    case GMIME_WARN_MALFORMED_MULTIPART: return "a multipart without parts";
    case GMIME_WARN_TRUNCATED_MESSAGE: return "the message is truncated";
    case GMIME_WARN_MALFORMED_MESSAGE: return "the message is malformed";
    case GMIME_CRIT_INVALID_HEADER_NAME: return "an invalid header name";
    case GMIME_CRIT_CONFLICTING_HEADER: return "conflicting headers";
    case GMIME_CRIT_CONFLICTING_PARAMETER: return "conflicting header parameters";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY: return "a multipart without a boundary";
    case GMIME_CRIT_NESTING_OVERFLOW: return "MIME parts nested too deep";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT: return "a MIME part without headers or content";
    default: return nullptr;
  }
}

struct parse_state {
  std::string problem;  // the first fatal warning, with its item
  bool headers_only = false;
  std::string plain;
  std::string html;
  std::size_t parts = 0;
};

void on_warning(gint64 offset, GMimeParserWarning code, const gchar* item, gpointer user) {
  auto* st = static_cast<parse_state*>(user);
  const char* what = fatal_warning(code);
  if (what == nullptr || !st->problem.empty()) return;
  st->problem = what;
  if (item != nullptr) st->problem += std::string(" (") + hook::utf8_clean(item, 200) + ")";
  if (offset >= 0) st->problem += " at byte " + std::to_string(offset);
}

void on_part(GMimeObject*, GMimeObject* part, gpointer user) {
  auto* st = static_cast<parse_state*>(user);
  if (!GMIME_IS_PART(part)) return;
  ++st->parts;
  if (!GMIME_IS_TEXT_PART(part)) return;
  if (auto* disp = g_mime_object_get_content_disposition(part);
      disp != nullptr && g_mime_content_disposition_is_attachment(disp))
    return;
  auto* type = g_mime_object_get_content_type(part);
  const bool plain = g_mime_content_type_is_type(type, "text", "plain");
  const bool html = g_mime_content_type_is_type(type, "text", "html");
  if ((plain && !st->plain.empty()) || (html && !st->html.empty()) || (!plain && !html)) return;
  // Decodes the transfer encoding and converts the declared charset to UTF-8.
  std::unique_ptr<char, g_free_deleter> text(g_mime_text_part_get_text(GMIME_TEXT_PART(part)));
  if (!text) return;
  (plain ? st->plain : st->html) = text.get();
}

// Text of an HTML part: tags dropped, <br>/<p>/<div>/<tr> ends as line breaks, the common
// entities decoded. Enough for the form-notification mails a website plugin sends.
std::string html_text(std::string_view html) {
  std::string out;
  out.reserve(html.size());
  for (std::size_t i = 0; i < html.size(); ++i) {
    const char c = html[i];
    if (c == '<') {
      const auto end = html.find('>', i);
      if (end == std::string_view::npos) break;
      auto tag = html.substr(i + 1, end - i - 1);
      if (!tag.empty() && tag.front() == '/') tag.remove_prefix(1);
      auto starts = [&](std::string_view name) {
        return tag.size() >= name.size() && hook::iequals(tag.substr(0, name.size()), name);
      };
      if (starts("br") || starts("p") || starts("div") || starts("tr") || starts("li")) out += '\n';
      i = end;
      continue;
    }
    if (c == '&') {
      static constexpr std::pair<std::string_view, std::string_view> entities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", " "}};
      bool done = false;
      for (const auto& [name, value] : entities) {
        if (html.substr(i, name.size()) == name) {
          out += value;
          i += name.size() - 1;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    out += c;
  }
  return out;
}

std::string first_mailbox_address(InternetAddressList* list, std::string& name) {
  if (list == nullptr) return {};
  const int n = internet_address_list_length(list);
  for (int i = 0; i < n; ++i) {
    auto* ia = internet_address_list_get_address(list, i);
    if (!INTERNET_ADDRESS_IS_MAILBOX(ia)) continue;
    const char* addr = internet_address_mailbox_get_addr(INTERNET_ADDRESS_MAILBOX(ia));
    if (addr == nullptr || *addr == '\0') continue;
    if (const char* nm = internet_address_get_name(ia)) name = nm;
    return addr;
  }
  return {};
}

}  // namespace

std::expected<mime_message, core::error> parse_mime(std::string_view raw, std::size_t max_text, bool headers_only) {
  init_gmime();
  parse_state st;
  st.headers_only = headers_only;

  gptr<GMimeStream> stream(g_mime_stream_mem_new_with_buffer(raw.data(), raw.size()));
  gptr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  std::unique_ptr<GMimeParserOptions, decltype(&g_mime_parser_options_free)> options(g_mime_parser_options_new(),
                                                                                     &g_mime_parser_options_free);
  g_mime_parser_options_set_warning_callback(options.get(), &on_warning, &st);
  gptr<GMimeMessage> msg(g_mime_parser_construct_message(parser.get(), options.get()));
  if (!msg) return std::unexpected(core::make_error(core::errc::bad_request, "not a MIME message"));
  if (!st.problem.empty() && !headers_only)
    return std::unexpected(core::make_error(core::errc::bad_request, "broken MIME: " + st.problem));

  mime_message m;
  m.from_address = first_mailbox_address(g_mime_message_get_from(msg.get()), m.from_name);
  if (m.from_address.empty()) m.from_address = first_mailbox_address(g_mime_message_get_sender(msg.get()), m.from_name);
  if (const char* s = g_mime_message_get_subject(msg.get())) m.subject = s;
  if (const char* id = g_mime_message_get_message_id(msg.get())) m.message_id = id;
  if (GDateTime* d = g_mime_message_get_date(msg.get()))
    m.date = hook::rfc3339_from_unix_ms(static_cast<std::int64_t>(g_date_time_to_unix(d)) * 1000);

  if (!headers_only) {
    g_mime_message_foreach(msg.get(), &on_part, &st);  // the top part, then a multipart's descendants
    m.parts = st.parts;
    m.text = !st.plain.empty() ? std::move(st.plain) : html_text(st.html);
  }
  m.text = hook::utf8_clean(m.text, m.text.size() * 3 + 3);
  m.text_truncated = hook::utf8_truncate(m.text, max_text);
  m.from_name = hook::utf8_clean(m.from_name, 256);
  m.subject = hook::utf8_clean(m.subject, 998);
  return m;
}

}  // namespace lg::adapters::email
