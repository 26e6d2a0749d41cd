// The contact repository: one resolve.lua call per event, and the read side for the API.
#include "store/contacts.hpp"

#include "core/time_format.hpp"

#include "resolve.hpp"
#include "store/keys.hpp"
#include "store/lua_script.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace lg::store {
namespace {

const lua_script& resolve_script() {
  static const lua_script script{lua::resolve};
  return script;
}

core::error redis_error(std::string message) {
  return core::make_error(core::errc::unavailable, std::move(message));
}

}  // namespace

std::string truncate_utf8(std::string_view s, std::size_t limit) {
  if (s.size() <= limit) return std::string(s);
  std::size_t n = limit;
  // Step back over continuation bytes (10xxxxxx) so no character is cut in half.
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n));
}

std::string done_key(std::string_view tenant, std::string_view event_id) {
  return keys::prefix(tenant) + "done:" + std::string(event_id);
}

std::uint32_t identity_bucket(std::string_view identity_key, std::size_t buckets) noexcept {
  std::uint32_t h = 0;
  for (unsigned char ch : identity_key) h = h * 31u + ch;
  return buckets == 0 ? 0 : static_cast<std::uint32_t>(h % buckets);
}

std::string identity_index_key(std::string_view tenant, std::string_view identity_key,
                               std::size_t buckets) {
  return keys::prefix(tenant) + "kx:" + std::to_string(identity_bucket(identity_key, buckets));
}

resolve_call make_resolve_call(const core::lead_event& e, const core::identity& id,
                               const resolve_options& opts) {
  const std::string pfx = keys::prefix(opts.tenant);
  const std::size_t buckets = std::max<std::size_t>(opts.identity_buckets, 1);
  resolve_call call;
  call.keys.reserve(3 + id.keys.size());
  call.keys.push_back(done_key(opts.tenant, e.event_id));
  call.keys.push_back(pfx + "seq:contact");
  call.keys.push_back(pfx + "names");
  for (const auto& k : id.keys) call.keys.push_back(pfx + "kx:" + std::to_string(identity_bucket(k, buckets)));

  std::int64_t at = 0;
  if (auto t = core::parse_rfc3339(e.occurred_at)) {
    at = *t;
  } else if (auto r = core::parse_rfc3339(e.received_at)) {
    at = *r;
  } else {
    at = std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
             .count();
  }
  std::string prio;
  for (const auto& ch : opts.policy.channel_priority) {
    if (!prio.empty()) prio += ',';
    prio += ch;
  }
  auto utm = e.campaign.utm.find("utm_campaign");
  auto& a = call.args;
  a.reserve(24 + id.keys.size() + id.phones.size() + 2 * id.emails.size());
  a.push_back(pfx);
  a.push_back(std::to_string(opts.done_ttl.count()));
  a.push_back(std::to_string(opts.timeline_cap));
  a.push_back(std::to_string(opts.list_cap));
  a.push_back(std::to_string(opts.hash_value_max));
  a.push_back(std::to_string(buckets));
  a.push_back(std::to_string(id.keys.size()));
  a.push_back(std::to_string(id.phones.size()));
  a.push_back(std::to_string(id.emails.size()));
  a.push_back(truncate_utf8(e.contact.full_name, 200));
  a.push_back(truncate_utf8(id.folded_name, 200));
  a.push_back(e.source);
  a.push_back(std::string(core::to_string(e.chan)));
  a.push_back(std::to_string(at));
  a.push_back(e.lead_id);
  a.push_back(utm == e.campaign.utm.end() ? std::string() : truncate_utf8(utm->second, 100));
  a.push_back(truncate_utf8(e.message, opts.message_limit));
  a.push_back(truncate_utf8(e.contact.city, 100));
  a.push_back(truncate_utf8(e.contact.address, 200));
  a.push_back(opts.default_team);
  a.push_back(std::move(prio));
  a.push_back(std::to_string(opts.outbox_limit));
  a.push_back(id.display_name ? "1" : "0");
  std::string unverified;
  for (const auto& p : e.contact.unverified_phones) {
    if (std::find(id.phones.begin(), id.phones.end(), p) == id.phones.end()) continue;
    if (!unverified.empty()) unverified += ' ';
    unverified += p;
  }
  a.push_back(std::move(unverified));
  for (const auto& k : id.keys) a.push_back(k);
  for (const auto& p : id.phones) a.push_back(p);
  for (const auto& m : id.emails) {
    a.push_back(m.address);
    a.push_back(m.match_key);
  }
  return call;
}

std::expected<resolve_result, core::error> parse_resolve_reply(const redis_reply& r) {
  if (r.is_error()) {
    // A full outbox is back-pressure (delivery is behind): the event stays pending, retried.
    const auto code = r.str.starts_with("OUTBOX_FULL") ? core::errc::unavailable : core::errc::internal;
    return std::unexpected(core::make_error(code, "resolve: " + r.str));
  }
  if (!r.is_array() || r.elements.size() < 8)
    return std::unexpected(core::make_error(core::errc::internal, "resolve: unexpected reply"));
  const auto& el = r.elements;
  resolve_result out;
  out.contact_id = el[0].as_string().value_or("");
  out.returning = el[1].as_integer().value_or(0) != 0;
  out.owner = el[2].as_string().value_or("");
  out.team = el[3].as_string().value_or("");
  out.duplicate = el[4].as_integer().value_or(0) != 0;
  std::string merged = el[5].as_string().value_or("");
  for (std::size_t pos = 0; !merged.empty() && pos <= merged.size();) {
    std::size_t comma = merged.find(',', pos);
    if (comma == std::string::npos) comma = merged.size();
    out.merged.push_back(merged.substr(pos, comma - pos));
    pos = comma + 1;
  }
  out.learner = el[6].as_string().value_or("");
  out.created = el[7].as_integer().value_or(0) != 0;
  if (out.contact_id.empty())
    return std::unexpected(core::make_error(core::errc::internal, "resolve: no contact id"));
  return out;
}

awaitable<std::expected<resolve_result, core::error>> async_resolve(redis_client& redis,
                                                                    const core::lead_event& e,
                                                                    const resolve_options& opts) {
  if (e.event_id.empty())
    co_return std::unexpected(core::make_error(core::errc::missing_field, "event_id is empty", "event_id"));
  const core::identity id = core::identity_of(e);
  resolve_call call = make_resolve_call(e, id, opts);
  auto reply = co_await resolve_script().async_run(redis, std::move(call.keys), std::move(call.args));
  if (!reply) co_return std::unexpected(reply.error());
  co_return parse_resolve_reply(*reply);
}

// --- reading -------------------------------------------------------------------------------
namespace {

nlohmann::json unpack(const std::string& packed) {
  auto j = nlohmann::json::from_msgpack(packed, true, false);
  return j.is_discarded() ? nlohmann::json::array() : j;
}

std::string str_at(const nlohmann::json& a, std::size_t i) {
  return a.is_array() && a.size() > i && a[i].is_string() ? a[i].get<std::string>() : std::string();
}
std::int64_t int_at(const nlohmann::json& a, std::size_t i) {
  return a.is_array() && a.size() > i && a[i].is_number() ? a[i].get<std::int64_t>() : 0;
}

nlohmann::json provenance_list(const std::string& packed, const char* value_name) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& x : unpack(packed)) {
    nlohmann::json v = {{value_name, str_at(x, 0)}, {"source", str_at(x, 1)}, {"at", int_at(x, 2)}};
    out.push_back(std::move(v));
  }
  return out;
}

// GET alias:<id> until there is none; aliases point to lower ids, the bound guards damage.
awaitable<std::expected<std::string, core::error>> canonical_id(redis_client& redis,
                                                                const std::string& pfx,
                                                                std::string id) {
  for (int hop = 0; hop < 16; ++hop) {
    std::vector<std::string> cmd1{"GET", pfx + "alias:" + id};
    auto r = co_await redis.async_exec(std::move(cmd1));
    if (!r) co_return std::unexpected(r.error());
    if (r->is_error()) co_return std::unexpected(redis_error("GET alias: " + r->str));
    auto next = r->as_string();
    if (!next) break;
    id = std::move(*next);
  }
  co_return id;
}

}  // namespace

std::optional<nlohmann::json> inline_touch(
    const std::vector<std::pair<std::string, std::string>>& fields) {
  const std::string *h = nullptr, *lead = nullptr, *msg = nullptr;
  for (const auto& [f, v] : fields) {
    if (f == "h") h = &v;
    else if (f == "hl") lead = &v;
    else if (f == "hm") msg = &v;
  }
  if (h == nullptr) return std::nullopt;
  auto t = unpack(*h);  // [at, channel, source, campaign, learner, review]
  nlohmann::json j = {{"k", "touch"}, {"at", int_at(t, 0)}, {"ch", str_at(t, 1)},
                      {"src", str_at(t, 2)}, {"lead", lead ? *lead : std::string()}};
  if (auto cmp = str_at(t, 3); !cmp.empty()) j["cmp"] = cmp;
  if (msg != nullptr && !msg->empty()) j["msg"] = *msg;
  if (auto l = str_at(t, 4); !l.empty()) j["learner"] = l;
  if (int_at(t, 5) == 1) j["review"] = 1;
  return j;
}

nlohmann::json contact_to_json(const std::vector<std::pair<std::string, std::string>>& fields) {
  nlohmann::json c = {{"name", ""}, {"folded_name", ""}, {"phones", nlohmann::json::array()},
                      {"emails", nlohmann::json::array()}, {"ids", nlohmann::json::array()},
                      {"learners", nlohmann::json::array()}, {"owner", ""}, {"team", ""},
                      {"needs_review", false}};
  bool unverified_phone = false;
  for (const auto& [f, v] : fields) {
    if (f == "n") c["name"] = v;
    else if (f == "f") c["folded_name"] = v;
    else if (f == "np") {
      auto x = unpack(v);
      c["name_source"] = {{"source", str_at(x, 0)}, {"at", int_at(x, 1)}, {"channel", str_at(x, 2)},
                          {"display_name", int_at(x, 3) == 1}};
    } else if (f == "p") {
      auto list = provenance_list(v, "value");
      const auto raw = unpack(v);
      for (std::size_t i = 0; i < list.size(); ++i) {
        if (int_at(raw[i], 3) != 1) continue;
        list[i]["unverified"] = true;
        unverified_phone = true;
      }
      c["phones"] = std::move(list);
    }
    else if (f == "e") {
      auto list = provenance_list(v, "value");
      auto raw = unpack(v);
      for (std::size_t i = 0; i < list.size(); ++i) {
        std::string mk = str_at(raw[i], 3);
        list[i]["match_key"] = mk.empty() ? list[i]["value"].get<std::string>() : mk;
      }
      c["emails"] = std::move(list);
    } else if (f == "i") c["ids"] = provenance_list(v, "key");
    else if (f == "l") {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& x : unpack(v))
        out.push_back({{"name", str_at(x, 0)}, {"source", str_at(x, 2)}, {"at", int_at(x, 3)}});
      c["learners"] = std::move(out);
    } else if (f == "x") {
      auto x = unpack(v);
      if (x.is_object()) {
        for (const auto& [name, val] : x.items()) {
          nlohmann::json sv = {{"value", str_at(val, 0)}, {"source", str_at(val, 1)},
                               {"at", int_at(val, 2)}, {"channel", str_at(val, 3)}};
          c[name == "addr" ? "address" : name] = std::move(sv);
        }
      }
    } else if (f == "o") c["owner"] = v;
    else if (f == "t") c["team"] = v;
    else if (f == "cs") c["crm_status"] = v;  // pulled from a two-way CRM (sync_apply.lua)
    else if (f == "cu") c["crm_user"] = v;
    else if (f == "r") c["needs_review"] = v == "1";
    else if (f == "ca") c["created_at"] = std::strtoll(v.c_str(), nullptr, 10);
    else if (f == "ua") c["updated_at"] = std::strtoll(v.c_str(), nullptr, 10);
  }
  // Facts about the contact an admin should know of; "unverified_phone": a provider reported a
  // number the phone metadata does not know (kept as an identity all the same).
  c["flags"] = nlohmann::json::array();
  if (unverified_phone) c["flags"].push_back("unverified_phone");
  return c;
}

awaitable<std::expected<std::optional<nlohmann::json>, core::error>> async_get_contact(
    redis_client& redis, std::string_view tenant, std::string_view id, std::size_t timeline_limit) {
  const std::string pfx = keys::prefix(tenant);
  auto cid = co_await canonical_id(redis, pfx, std::string(id));
  if (!cid) co_return std::unexpected(cid.error());
  std::vector<std::string> cmd2{"HGETALL", pfx + "c:" + *cid};
  auto h = co_await redis.async_exec(std::move(cmd2));
  if (!h) co_return std::unexpected(h.error());
  if (h->is_error()) co_return std::unexpected(redis_error("HGETALL: " + h->str));
  if (h->elements.empty()) co_return std::optional<nlohmann::json>{};
  std::vector<std::pair<std::string, std::string>> fields;
  for (std::size_t i = 0; i + 1 < h->elements.size(); i += 2)
    fields.emplace_back(h->elements[i].str, h->elements[i + 1].str);
  nlohmann::json c = contact_to_json(fields);
  c["id"] = *cid;
  c["requested_id"] = std::string(id);
  nlohmann::json tl = nlohmann::json::array();
  if (timeline_limit > 0) {
    std::vector<std::string> cmd5{"LRANGE", pfx + "tl:" + *cid, "0",
                                  std::to_string(timeline_limit - 1)};
    auto t = co_await redis.async_exec(std::move(cmd5));
    if (!t) co_return std::unexpected(t.error());
    for (const auto& e : t->elements) {
      auto j = nlohmann::json::parse(e.str, nullptr, false);
      if (!j.is_discarded()) tl.push_back(std::move(j));
    }
    if (tl.size() < timeline_limit) {
      if (auto first = inline_touch(fields)) tl.push_back(std::move(*first));
    }
  }
  c["timeline"] = std::move(tl);
  co_return std::optional<nlohmann::json>{std::move(c)};
}

awaitable<std::expected<std::optional<std::string>, core::error>> async_find_by_key(
    redis_client& redis, std::string_view tenant, std::string_view identity_key,
    std::size_t buckets) {
  const std::string pfx = keys::prefix(tenant);
  std::vector<std::string> cmd3{"HGET", identity_index_key(tenant, identity_key, std::max<std::size_t>(buckets, 1)),
                                std::string(identity_key)};
  auto r = co_await redis.async_exec(std::move(cmd3));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(redis_error("HGET kx: " + r->str));
  auto n = r->as_string();
  if (!n) co_return std::optional<std::string>{};
  auto cid = co_await canonical_id(redis, pfx, "c_" + *n);
  if (!cid) co_return std::unexpected(cid.error());
  co_return std::optional<std::string>{std::move(*cid)};
}

awaitable<std::expected<std::vector<std::string>, core::error>> async_find_by_name(
    redis_client& redis, std::string_view tenant, std::string_view folded_prefix,
    std::size_t limit) {
  std::vector<std::string> ids;
  if (folded_prefix.empty() || limit == 0) co_return ids;
  const std::string pfx = keys::prefix(tenant);
  std::string lo = "[" + std::string(folded_prefix);
  std::string hi = "(" + std::string(folded_prefix);
  hi.push_back('\xff');  // folded names are ASCII: every member with the prefix sorts below
  std::vector<std::string> cmd4{"ZRANGEBYLEX", pfx + "names", lo, hi, "LIMIT", "0",
                                      std::to_string(limit)};
  auto r = co_await redis.async_exec(std::move(cmd4));
  if (!r) co_return std::unexpected(r.error());
  if (r->is_error()) co_return std::unexpected(redis_error("ZRANGEBYLEX: " + r->str));
  for (const auto& m : r->elements) {
    auto nul = m.str.find('\0');
    if (nul == std::string::npos) continue;
    std::string id = m.str.substr(nul + 1);
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(std::move(id));
  }
  co_return ids;
}

}  // namespace lg::store
