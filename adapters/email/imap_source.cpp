// IMAP source options and the event of one fetched message; see imap_source.hpp.
#include "adapters/email/imap_source.hpp"

#include "adapters/email/email_hook.hpp"
#include "core/digest.hpp"
#include "adapters/telephony/hook_common.hpp"
#include "core/normalize.hpp"

#include <algorithm>
#include <array>

namespace lg::adapters::email {
namespace {

constexpr std::array<std::string_view, 3> extract_targets{"full_name", "phone", "email"};

bool known_target(std::string_view t) {
  return std::find(extract_targets.begin(), extract_targets.end(), t) != extract_targets.end();
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Case-insensitive for ASCII; labels in Vietnamese are compared byte for byte after that.
bool label_equals(std::string_view a, std::string_view b) { return hook::iequals(trim(a), trim(b)); }

std::chrono::milliseconds millis(const nlohmann::json& o, const std::string& path, const char* key,
                                 std::chrono::milliseconds fallback, std::size_t min, std::size_t max) {
  return std::chrono::milliseconds(
      hook::opt::size(o, path, key, static_cast<std::size_t>(fallback.count()), min, max));
}

form_extractor read_extractor(const nlohmann::json& o, const std::string& path) {
  form_extractor x;
  if (const auto it = o.find("extract"); it != o.end()) {
    if (!it->is_object()) throw config::config_error(path + ".extract: must be an object");
    for (const auto& [target, labels] : it->items()) {
      const auto tpath = path + ".extract." + target;
      if (!known_target(target)) throw config::config_error(tpath + ": unknown target (full_name, phone or email)");
      if (!labels.is_array() || labels.empty() || labels.size() > 32)
        throw config::config_error(tpath + ": must be an array of 1 to 32 labels");
      for (const auto& l : labels) {
        if (!l.is_string() || l.get<std::string>().empty() || l.get<std::string>().size() > 128)
          throw config::config_error(tpath + ": each label is a string of 1 to 128 bytes");
        x.labels[target].push_back(l.get<std::string>());
      }
    }
  }
  if (const auto it = o.find("extract_regex"); it != o.end()) {
    if (!it->is_object()) throw config::config_error(path + ".extract_regex: must be an object");
    for (const auto& [target, pattern] : it->items()) {
      const auto tpath = path + ".extract_regex." + target;
      if (!known_target(target)) throw config::config_error(tpath + ": unknown target (full_name, phone or email)");
      if (!pattern.is_string() || pattern.get<std::string>().size() > 512)
        throw config::config_error(tpath + ": must be a string of at most 512 bytes");
      try {
        auto re = std::make_shared<const std::regex>(pattern.get<std::string>(), std::regex::ECMAScript);
        if (re->mark_count() != 1) throw config::config_error(tpath + ": needs exactly one capture group");
        x.patterns.emplace_back(target, std::move(re));
      } catch (const std::regex_error& e) {
        throw config::config_error(tpath + ": not a valid regular expression (" + e.what() + ")");
      }
    }
  }
  return x;
}

}  // namespace

std::map<std::string, std::string> form_extractor::extract(std::string_view text) const {
  std::map<std::string, std::string> out;
  std::size_t lines = 0;
  std::string_view rest = text;
  while (!rest.empty() && lines++ < 2000 && out.size() < labels.size()) {
    const auto nl = rest.find('\n');
    const auto line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const auto label = line.substr(0, colon);
    const auto value = trim(line.substr(colon + 1));
    if (value.empty()) continue;
    for (const auto& [target, names] : labels) {
      if (out.contains(target)) continue;
      if (std::any_of(names.begin(), names.end(), [&](const std::string& n) { return label_equals(label, n); }))
        out[target] = hook::utf8_clean(value, 256);
    }
  }
  for (const auto& [target, re] : patterns) {
    if (out.contains(target)) continue;
    std::match_results<std::string_view::const_iterator> m;
    if (std::regex_search(text.begin(), text.end(), m, *re) && m[1].matched)
      out[target] = hook::utf8_clean(std::string_view(&*m[1].first, static_cast<std::size_t>(m[1].length())), 256);
  }
  return out;
}

imap_source_options read_imap_options(const config::source_config& src, const std::string& source_path) {
  const auto path = source_path + ".options";
  const auto& o = src.options;
  hook::opt::only_keys(o, path,
                       {"host", "port", "tls", "ca_file", "user", "password", "mailbox", "idle", "idle_renew_ms",
                        "poll_interval_ms", "connect_timeout_ms", "command_timeout_ms", "backoff_min_ms",
                        "backoff_max_ms", "max_message_bytes", "max_body", "batch", "mark_seen", "dedupe_days",
                        "extract", "extract_regex"});
  imap_source_options opts;
  opts.host = hook::opt::string(o, path, "host", true);
  const auto tls = hook::opt::string(o, path, "tls", false, "imaps");
  if (tls == "imaps") {
    opts.tls = imap_tls::imaps;
  } else if (tls == "starttls") {
    opts.tls = imap_tls::starttls;
  } else {
    // Passwords never cross the network in clear text.
    throw config::config_error(path + ".tls: must be imaps or starttls");
  }
  opts.port = static_cast<std::uint16_t>(
      hook::opt::size(o, path, "port", opts.tls == imap_tls::imaps ? 993 : 143, 1, 65535));
  opts.ca_file = hook::opt::string(o, path, "ca_file", false);
  opts.user = hook::opt::secret(o, path, "user", true);
  opts.password = hook::opt::secret(o, path, "password", true);
  opts.mailbox = hook::opt::string(o, path, "mailbox", false, "INBOX");
  if (opts.mailbox.empty() || opts.mailbox.size() > 256 ||
      opts.mailbox.find_first_of("\r\n\"\\") != std::string::npos)
    throw config::config_error(path + ".mailbox: 1 to 256 bytes, without quotes, backslashes or line breaks");
  for (const auto* key : {"idle", "mark_seen"}) {
    if (const auto it = o.find(key); it != o.end() && !it->is_boolean())
      throw config::config_error(path + "." + key + ": must be true or false");
  }
  opts.idle = o.value("idle", true);
  opts.mark_seen = o.value("mark_seen", false);
  // Servers may log a client out after 30 minutes without a command (RFC 2177).
  opts.idle_renew = millis(o, path, "idle_renew_ms", opts.idle_renew, 100, 29 * 60 * 1000);
  opts.poll_interval = millis(o, path, "poll_interval_ms", opts.poll_interval, 100, 24 * 3600 * 1000);
  opts.connect_timeout = millis(o, path, "connect_timeout_ms", opts.connect_timeout, 100, 600'000);
  opts.command_timeout = millis(o, path, "command_timeout_ms", opts.command_timeout, 100, 600'000);
  opts.backoff_min = millis(o, path, "backoff_min_ms", opts.backoff_min, 10, 3'600'000);
  opts.backoff_max = millis(o, path, "backoff_max_ms", opts.backoff_max, 10, 24 * 3'600'000);
  if (opts.backoff_max < opts.backoff_min) throw config::config_error(path + ".backoff_max_ms: below backoff_min_ms");
  opts.max_message_bytes = hook::opt::size(o, path, "max_message_bytes", opts.max_message_bytes, 1024, 64 << 20);
  opts.max_body = hook::opt::size(o, path, "max_body", opts.max_body, 256, 1 << 20);
  opts.batch = hook::opt::size(o, path, "batch", opts.batch, 1, 1000);
  opts.dedupe_window = std::chrono::hours(24 * hook::opt::size(o, path, "dedupe_days", 30, 1, 3650));
  opts.extractor = read_extractor(o, path);
  return opts;
}

std::expected<core::lead_event, core::error> imap_message_event(const config::source_config& src,
                                                                const imap_source_options& opts,
                                                                std::string_view raw,
                                                                const imap_message_meta& meta) {
  auto parsed = parse_mime(raw, opts.max_body, meta.body_omitted);
  if (!parsed) return std::unexpected(parsed.error());
  auto& m = *parsed;

  inbound_request req;
  req.source_id = src.id;
  req.received_at = meta.received_at;
  email_facts f;
  f.provider = "imap";
  f.from = m.from_name.empty() ? m.from_address : "\"" + m.from_name + "\" <" + m.from_address + ">";
  f.subject = m.subject;
  f.text = m.text;
  f.occurred_at = m.date;
  if (auto id = message_id_event_id(m.message_id)) {
    f.event_id = *id;
  } else {
    f.event_id = "email:imap:sha256:" + core::sha256_hex(m.from_address + "\n" + m.date.value_or("") + "\n" + m.subject +
                                                        "\n" + std::to_string(meta.size));
  }

  const auto found = opts.extractor.extract(m.text);
  if (!found.empty()) f.from.clear();  // the contact comes from the form, not from the website's sender
  auto e = email_event(src, req, f, opts.max_body);
  if (m.text_truncated) e.extra["body_truncated"] = "true";
  if (!found.empty()) {
    if (!m.from_address.empty()) e.extra["from"] = hook::utf8_clean(m.from_address, 254);
    if (const auto it = found.find("email"); it != found.end()) {
      if (auto addr = core::normalize_email(it->second)) e.contact.emails.push_back(*addr);
      else e.contact.invalid_emails.push_back(it->second);
    }
    if (const auto it = found.find("phone"); it != found.end()) hook::add_phone(e.contact, it->second);
    if (const auto it = found.find("full_name"); it != found.end()) {
      if (auto name = core::normalize_name(it->second); !name.empty()) {
        auto parts = core::split_vietnamese_name(name);
        e.contact.full_name = name;
        e.contact.family_name = parts.family;
        e.contact.given_name = parts.given;
      }
    }
  }
  if (e.contact.emails.empty() && e.contact.phones.empty() && e.contact.invalid_emails.empty() &&
      e.contact.invalid_phones.empty())
    return std::unexpected(core::make_error(core::errc::bad_request, "no sender address and nothing extracted", "from"));

  e.extra["imap_uid"] = std::to_string(meta.uid);
  e.extra["imap_uidvalidity"] = std::to_string(meta.uidvalidity);
  e.extra["size"] = std::to_string(meta.size);
  if (meta.body_omitted) {
    e.message.clear();
    e.extra["body_omitted"] = "true";
  }
  if (!m.message_id.empty()) e.extra["message_id"] = hook::utf8_clean(m.message_id, 255);
  return e;
}

}  // namespace lg::adapters::email
