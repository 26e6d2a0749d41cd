// The request handling of the webhook receiver of fake_receiver.hpp.
#include "support/fake_receiver.hpp"

namespace lg::test {

fake_receiver::fake_receiver(const std::string& secret, bool tls)
    : server_([this](const served_request& r) { return handle(r); }, https_server_options{tls, {}, {}}) {
  auto k = webhooks::decode_secret(secret);
  if (k) key_ = *k;
}

bool fake_receiver::wait_unique(std::size_t n, std::chrono::milliseconds limit) const {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (unique() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return unique() >= n;
}

scripted_reply fake_receiver::handle(const served_request& r) {
  std::lock_guard lock(mu_);
  ++requests_;
  switch (mode_) {
    case mode::down: {
      scripted_reply s{503, {}, "down for maintenance"};
      if (!retry_after_.empty()) s.headers.emplace_back("Retry-After", retry_after_);
      return s;
    }
    case mode::drop: return scripted_reply{200, {}, {}, std::chrono::milliseconds(0), false, true};
    case mode::reject: return scripted_reply{400, {}, R"({"error":"contact_id not accepted"})"};
    case mode::up: break;
  }
  const std::string id(r.headers["webhook-id"]);
  const std::string ts(r.headers["webhook-timestamp"]);
  const std::string sig(r.headers["webhook-signature"]);
  const webhooks::signing_key keys[] = {key_};
  if (!webhooks::verify(keys, id, ts, sig, r.body, std::chrono::system_clock::now())) {
    ++bad_signatures_;
    return scripted_reply{401, {}, "bad signature"};
  }
  if (!seen_.insert(id).second) {
    ++duplicates_;
    return scripted_reply{200, {}, "duplicate"};
  }
  auto payload = nlohmann::json::parse(r.body, nullptr, false);
  if (payload.is_object() && payload.contains("data") && payload["data"].is_object()) {
    const auto& d = payload["data"];
    per_contact_[d.value("contact_id", "")].push_back(d.value("event", ""));
  }
  deliveries_.push_back(delivery{id, std::move(payload)});
  return scripted_reply{200, {}, "ok"};
}

}  // namespace lg::test
