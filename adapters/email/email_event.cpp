// What the email webhook presets share: the sender as a contact, Message-ID keys, the event.
#include "adapters/email/email_hook.hpp"

#include "core/digest.hpp"
#include "adapters/sms/mentions.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "core/normalize.hpp"

#include <nlohmann/json.hpp>

#include <chrono>

namespace lg::adapters::email {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

std::string unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') {
    std::string out;
    for (std::size_t i = 1; i + 1 < s.size(); ++i) {
      if (s[i] == '\\' && i + 2 < s.size()) ++i;
      out.push_back(s[i]);
    }
    return out;
  }
  return std::string(s);
}

}  // namespace

std::int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

mailbox parse_mailbox(std::string_view v) {
  v = trim(v);
  mailbox m;
  const auto lt = v.rfind('<');
  if (lt != std::string_view::npos) {
    const auto gt = v.find('>', lt);
    m.address = std::string(trim(v.substr(lt + 1, gt == std::string_view::npos ? std::string_view::npos : gt - lt - 1)));
    m.name = unquote(v.substr(0, lt));
    return m;
  }
  // The old "lan@x.vn (Nguyễn Lan)" form.
  const auto lp = v.find('(');
  if (lp != std::string_view::npos && v.back() == ')') {
    m.address = std::string(trim(v.substr(0, lp)));
    m.name = std::string(trim(v.substr(lp + 1, v.size() - lp - 2)));
    return m;
  }
  m.address = std::string(v);
  return m;
}

std::optional<std::string> message_id_event_id(std::string_view id) {
  id = trim(id);
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = trim(id.substr(1, id.size() - 2));
  if (id.empty()) return std::nullopt;
  if (hook::valid_id(id, 255)) return "email:msgid:" + std::string(id);
  return "email:msgid:sha256:" + core::sha256_hex(id);
}

std::optional<std::string> message_id_from_json_headers(std::string_view text) {
  const auto doc = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_array()) return std::nullopt;
  for (const auto& h : doc) {
    if (h.is_array() && h.size() == 2 && h[0].is_string() && h[1].is_string() &&
        hook::iequals(h[0].get_ref<const std::string&>(), "message-id"))
      return h[1].get<std::string>();
  }
  return std::nullopt;
}

std::optional<std::string> message_id_from_header_block(std::string_view block) {
  std::string current;  // one logical header, continuation lines unfolded
  auto check = [](std::string_view h) -> std::optional<std::string> {
    const auto colon = h.find(':');
    if (colon == std::string_view::npos || !hook::iequals(trim(h.substr(0, colon)), "message-id")) return std::nullopt;
    return std::string(trim(h.substr(colon + 1)));
  };
  while (!block.empty()) {
    const auto nl = block.find('\n');
    auto line = block.substr(0, nl);
    block = nl == std::string_view::npos ? std::string_view{} : block.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;  // end of the header section
    if (line.front() == ' ' || line.front() == '\t') {
      current.append(" ").append(trim(line));
      continue;
    }
    if (auto id = check(current)) return id;
    current.assign(line);
  }
  return check(current);
}

core::lead_event email_event(const config::source_config& src, const inbound_request& req, const email_facts& f,
                             std::size_t max_body) {
  auto e = hook::base_event(src, req, core::channel::email);
  e.event_id = f.event_id;
  if (f.occurred_at) e.occurred_at = *f.occurred_at;
  auto from = parse_mailbox(f.from);
  if (from.address.find('@') == std::string::npos && !f.sender.empty()) from.address = parse_mailbox(f.sender).address;
  if (!from.address.empty()) {
    if (auto addr = core::normalize_email(from.address)) e.contact.emails.push_back(*addr);
    else e.contact.invalid_emails.push_back(hook::utf8_clean(from.address, 254));
  }
  if (auto name = core::normalize_name(hook::utf8_clean(from.name, 256)); !name.empty() && name.find('@') == std::string::npos) {
    auto parts = core::split_vietnamese_name(name);
    e.contact.full_name = name;
    e.contact.family_name = parts.family;
    e.contact.given_name = parts.given;
  }
  // The whole text is cleaned first so the cut below counts what is kept, not raw bytes.
  e.message = hook::utf8_clean(f.text, f.text.size() * 3 + 3);
  if (hook::utf8_truncate(e.message, max_body)) e.extra["body_truncated"] = "true";
  if (!f.subject.empty()) e.extra["subject"] = hook::utf8_clean(f.subject, 998);
  if (!f.recipient.empty()) {
    // A list ("a@x.vn, b@x.vn") keeps its first mailbox: the one rules route by.
    const auto to = parse_mailbox(std::string_view(f.recipient).substr(0, f.recipient.find(','))).address;
    if (auto addr = core::normalize_email(to)) e.extra["recipient"] = *addr;
    else e.extra["recipient_raw"] = hook::utf8_clean(f.recipient, 254);
  }
  e.extra["email_provider"] = f.provider;
  const auto m = sms::find_mentions(e.message);
  if (!m.phones.empty()) e.extra["mentioned_phones"] = sms::join(m.phones);
  if (!m.emails.empty()) e.extra["mentioned_emails"] = sms::join(m.emails);
  return e;
}

hook::reading email_reading(const config::source_config& src, const inbound_request& req, const email_facts& f,
                            std::size_t max_body, std::string_view no_sender) {
  if (f.from.empty() && f.sender.empty()) return hook::quarantine(f.provider + ": " + std::string(no_sender));
  return email_event(src, req, f, max_body);
}

std::size_t max_body_option(const config::source_config& src, const std::string& options_path) {
  return hook::opt::size(src.options, options_path, "max_body", default_max_body, 0, 1 << 20);
}

std::unique_ptr<inbound_adapter> make_email_adapter(const config::source_config& src, const std::string& path,
                                                    clock_fn now) {
  // An IMAP mailbox is polled, not posted to: no webhook adapter for it.
  if (src.preset == "imap") return nullptr;
  if (src.preset.empty() || src.preset == "mailgun") return make_mailgun_adapter(src, path, std::move(now));
  if (src.preset == "sendgrid") return make_sendgrid_adapter(src, path);
  throw config::config_error(path + ".preset: unknown email webhook preset '" + src.preset +
                             "' (mailgun or sendgrid)");
}

}  // namespace lg::adapters::email
