// Identity keys of a lead event (see identity.hpp for the key forms and the ids naming).
#include "core/identity.hpp"

#include "core/normalize.hpp"

#include <algorithm>

namespace lg::core {
namespace {

// An id becomes part of a Redis key name: printable ASCII without spaces only, bounded.
bool usable_id(std::string_view v) noexcept {
  if (v.empty() || v.size() > max_id_length) return false;
  return std::all_of(v.begin(), v.end(), [](char c) { return c > ' ' && c < 0x7f; });
}

// Adapters hand us E.164 already; re-check the shape so a bad adapter cannot mint keys.
bool e164_shaped(std::string_view p) noexcept {
  if (p.size() < 8 || p.size() > 16 || p[0] != '+') return false;
  return std::all_of(p.begin() + 1, p.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::string* find_id(const lead_event& e, const char* name) {
  auto it = e.contact.ids.find(name);
  return it == e.contact.ids.end() ? nullptr : &it->second;
}

class key_builder {
 public:
  explicit key_builder(identity& out) : out_(out) {}
  // False when the key is a duplicate or the bound is reached.
  bool add(std::string key) {
    if (out_.keys.size() >= max_identity_keys) return false;
    if (std::find(out_.keys.begin(), out_.keys.end(), key) != out_.keys.end()) return false;
    out_.keys.push_back(std::move(key));
    return true;
  }

 private:
  identity& out_;
};

void add_scoped(key_builder& kb, identity& out, const lead_event& e, const char* id_name,
                const char* scope_name, std::string_view prefix) {
  const std::string* id = find_id(e, id_name);
  if (id == nullptr || !usable_id(*id)) return;
  const std::string* scope = find_id(e, scope_name);
  std::string_view s = (scope != nullptr && usable_id(*scope)) ? std::string_view(*scope)
                                                                 : std::string_view(e.source);
  if (!usable_id(s)) return;
  std::string key;
  key.reserve(prefix.size() + s.size() + id->size() + 2);
  key.append(prefix).append(":").append(s).append(":").append(*id);
  if (kb.add(key)) out.channel_keys.push_back(std::move(key));
}

}  // namespace

identity identity_of(const lead_event& e) {
  identity out;
  key_builder kb(out);

  for (const auto& p : e.contact.phones) {
    if (!e164_shaped(p)) continue;
    if (kb.add("phone:" + p)) out.phones.push_back(p);
  }
  for (const auto& m : e.contact.emails) {
    if (m.empty() || m.size() > 254 || !usable_id(m)) continue;
    std::string mk = email_match_key(m);
    if (mk.empty()) continue;
    if (kb.add("email:" + mk)) out.emails.push_back({m, std::move(mk)});
  }
  add_scoped(kb, out, e, "zalo", "zalo_oa", "zalo");
  add_scoped(kb, out, e, "facebook", "facebook_page", "fb");
  if (const std::string* lead = find_id(e, "facebook_lead"); lead && usable_id(*lead)) {
    std::string key = "fblead:" + *lead;
    if (kb.add(key)) out.channel_keys.push_back(std::move(key));
  }
  for (const auto& [name, value] : e.contact.ids) {
    if (!name.starts_with("ext:")) continue;
    std::string_view dest = std::string_view(name).substr(4);
    if (!usable_id(dest) || !usable_id(value)) continue;
    std::string key = "ext:" + std::string(dest) + ":" + value;
    if (kb.add(key)) out.channel_keys.push_back(std::move(key));
  }

  if (!e.contact.full_name.empty()) out.folded_name = fold_text(e.contact.full_name);
  out.display_name = e.chan == channel::zalo || e.chan == channel::facebook_messenger;
  out.needs_review = out.keys.empty();
  return out;
}

bool is_weak_key(std::string_view key) noexcept { return key.starts_with("email:"); }

}  // namespace lg::core
