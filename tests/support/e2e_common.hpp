// The end-to-end tests' helpers that do not need the built binary's path: temp config files and
// the config pieces most of them use, reading the port the binary printed and waiting (bounded)
// until it is ready, and the signed webhook and form requests they send. Defined in
// e2e_common.cpp (built once, in lg_test_support); support/e2e.hpp adds starting the binary.
#pragma once

#include "support/tenant.hpp"

#include "core/digest.hpp"
#include "support/fixtures.hpp"
#include "support/http_test_client.hpp"
#include "support/process.hpp"

#include <nlohmann/json.hpp>

#include <csignal>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace lg::test {

inline std::string redis_url() {
  const char* v = std::getenv("LG_TEST_REDIS_URL");
  return v ? v : "";
}

// A file in a fresh directory under the temp dir; remove with fs::remove_all(p.parent_path()).
std::filesystem::path write_temp(const std::string& name, const std::string& text);

// Reads the binary's first line and returns the port of "listening on http://127.0.0.1:PORT", or 0.
unsigned short start(child_process& p);

bool wait_ready(unsigned short port);

// Polls `done` every 20 ms until it holds or `limit` passes.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = std::chrono::seconds(15));

// The head of an e2e config: `tenant`, the server on 127.0.0.1 (`--port 0` replaces 8080) with
// `threads` threads and, when not 0, `shutdown_grace_ms`; warn-level logs.
nlohmann::json config_head(const std::string& tenant, int threads = 1, int shutdown_grace_ms = 0);

// config_head() with two threads, a 3 s shutdown grace and `sources`, and a redis.url nothing
// answers on (serve()'s LEADGATE_REDIS_URL replaces it; check-config does not connect).
nlohmann::json unreachable_redis_config(const std::string& tenant, const nlohmann::json& sources);

// config_head() for a gateway that resolves leads: one admin token "ops" with `role` (its
// SHA-256 in the config) and one processing worker claiming entries idle for 1 s.
nlohmann::json worker_config(const std::string& tenant, const std::string& admin_token,
                             const std::string& role = "viewer", int shutdown_grace_ms = 0);

// The web form source "website": full_name from ho_ten and phone from sdt, both required.
nlohmann::json website_source();

// The webhook secrets of the Zalo OA and Facebook Page sources below, passed to the binary as
// LG_E2E_ZALO_SECRET and LG_E2E_FB_SECRET.
inline const std::string e2e_zalo_secret = "e2e-zalo-oa-secret";
inline const std::string e2e_fb_secret = "e2e-facebook-app-secret";

// Source "zalo-oa" (channel zalo) with its OA secret key from LG_E2E_ZALO_SECRET.
nlohmann::json zalo_oa_source();

// Source "fb-page" (channel facebook_messenger) with its app secret from LG_E2E_FB_SECRET and
// verify token "e2e-verify"; `extra` adds options.
nlohmann::json fb_page_source(const nlohmann::json& extra = nlohmann::json::object());

// The headers of a Zalo OA delivery of `body` signed as Zalo does: "mac=" and the SHA-256 of
// app_id, the body, timestamp and the OA secret.
std::map<std::string, std::string> zalo_signed_headers(const std::string& body,
                                                       const std::string& secret = e2e_zalo_secret);

// The headers of a Facebook delivery of `body`: X-Hub-Signature-256 is "sha256=" and the hex
// HMAC-SHA256 of the body under the app secret.
std::map<std::string, std::string> facebook_signed_headers(const std::string& body,
                                                           const std::string& secret = e2e_fb_secret);

std::map<std::string, std::string> bearer(const std::string& token);

// `body` posted urlencoded to the web form source "website".
http_answer post_website_form(unsigned short port, const std::string& body);

// The admin API's contacts with `phone` (GET /admin/v1/contacts?phone=), or an empty array when
// it does not answer 200.
nlohmann::json contacts_by_phone(unsigned short port, const std::string& phone, const std::string& admin_token);

}  // namespace lg::test
