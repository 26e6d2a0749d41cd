// lg_loadgen: an open-loop HTTP load generator for leadgate's benchmarks.
//
// wrk measures how fast a server can go; it cannot say what latency a client sees at a given
// rate, because a closed loop slows down with the server (coordinated omission). lg_loadgen
// posts a body template at a fixed rate (bench/common/open_loop.hpp: each request's latency
// counts from when it was due) and reports the percentiles after a warm-up.
#include "core/digest.hpp"
#include "bench/common/open_loop.hpp"
#include "core/asio.hpp"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace http = boost::beast::http;
using lg::bench::clock_type;

namespace {

struct options {
  lg::bench::open_loop load;
  std::string content_type = "application/x-www-form-urlencoded";
  std::string body_template = "ho_ten=Nguy%E1%BB%85n+V%C4%83n+An&sdt=09{n8}&utm_source=loadgen";
  std::vector<std::string> headers;
  // "zalo:<oa secret key>" or "facebook:<app secret>": each body is signed as the provider does
  // (X-ZEvent-Signature over app_id + body + timestamp + key; X-Hub-Signature-256 HMAC).
  std::string sign;
};

// The provider's signature header for one rendered body; {"", ""} when not signing.
std::pair<std::string, std::string> signature_header(const std::string& sign, const std::string& body) {
  const auto colon = sign.find(':');
  if (colon == std::string::npos) return {};
  const std::string kind = sign.substr(0, colon), secret = sign.substr(colon + 1);
  if (kind == "facebook")
    return {"X-Hub-Signature-256", "sha256=" + lg::core::to_hex(lg::core::hmac_sha256(secret, body))};
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (kind != "zalo" || !j.is_object()) return {};
  return {"X-ZEvent-Signature", "mac=" + lg::core::sha256_hex(j.value("app_id", "") + body +
                                                                      j.value("timestamp", "") + secret)};
}

// Replaces {n} with the request number and {n8} with it as 8 zero-padded digits, so each
// request can carry its own phone number or idempotency key.
std::string render(const std::string& tpl, unsigned long long n) {
  std::string out;
  out.reserve(tpl.size() + 16);
  for (std::size_t i = 0; i < tpl.size();) {
    if (tpl.compare(i, 4, "{n8}") == 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "%08llu", n % 100000000ULL);
      out += buf;
      i += 4;
    } else if (tpl.compare(i, 3, "{n}") == 0) {
      out += std::to_string(n);
      i += 3;
    } else {
      out += tpl[i++];
    }
  }
  return out;
}

// Request number n: the body and headers rendered, signed when asked (before its due time, so
// the signing is not counted as latency).
http::request<http::string_body> request_of(const options& opt, unsigned long long n) {
  http::request<http::string_body> req;
  req.set(http::field::content_type, opt.content_type);
  for (const auto& h : opt.headers) {
    auto colon = h.find(':');
    if (colon != std::string::npos)
      req.set(h.substr(0, colon), render(h.substr(colon + 1 + (h[colon + 1] == ' ')), n));
  }
  req.body() = render(opt.body_template, n);
  if (!opt.sign.empty()) {
    auto [name, value] = signature_header(opt.sign, req.body());
    if (!name.empty()) req.set(name, value);
  }
  return req;
}

}  // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App app{"lg_loadgen: fixed-rate HTTP POST load with latency counted from each request's due time"};
  opt.load.add_options(app, "requests");
  app.add_option("--content-type", opt.content_type);
  app.add_option("--body", opt.body_template, "body; {n} and {n8} become the request number");
  app.add_option("--body-file", [&](const CLI::results_t& r) {
    std::ifstream in(r.at(0)); std::stringstream ss; ss << in.rdbuf(); opt.body_template = ss.str();
    return static_cast<bool>(in); }, "read the body template from a file");
  app.add_option("--header", opt.headers, "extra header 'Name: value' ({n} allowed)");
  app.add_option("--sign", opt.sign, "sign each body: zalo:<oa secret key> or facebook:<app secret>");
  CLI11_PARSE(app, argc, argv);

  boost::asio::io_context ioc(1);
  auto& plan = opt.load;
  plan.begin();
  lg::bench::send_counts res;
  std::vector<double> l;  // ms from each request's due time to its answer, after the warm-up
  l.reserve(plan.expected_requests());
  auto make = [&](unsigned long long n) { return request_of(opt, n); };
  auto answer = [&](clock_type::time_point due, const http::response<http::string_body>&) {
    if (due >= plan.warm_end) l.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - due).count());
  };
  lg::bench::run_open_loop(ioc, plan, make, answer, res);
  const double elapsed = std::chrono::duration<double>(clock_type::now() - plan.start).count();

  using lg::bench::percentile;
  const std::size_t measured = l.size();
  const double p50 = percentile(l, 50), p90 = percentile(l, 90), p99 = percentile(l, 99), p999 = percentile(l, 99.9);
  const double mx = l.empty() ? 0 : *std::max_element(l.begin(), l.end());
  std::printf("RESULT target_rps=%.0f achieved_rps=%.0f sent=%llu ok=%llu non2xx=%llu failed=%llu measured=%zu "
              "p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f\n",
              plan.rate, static_cast<double>(res.sent) / elapsed, static_cast<unsigned long long>(res.sent),
              static_cast<unsigned long long>(res.ok), static_cast<unsigned long long>(res.non2xx),
              static_cast<unsigned long long>(res.failed), measured, p50, p90, p99, p999, mx);
  return res.failed + res.non2xx == 0 ? 0 : 1;
}
