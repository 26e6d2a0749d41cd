// Fuzz target for what the IMAP poller reads from a server it does not control: the input is
// framed as IMAP responses (lines, {n} literals) under small limits, every response is read as
// FETCH/status/capability, and each FETCH body is turned into a lead event through GMime and a
// label extractor. Events must serialize and keep the body bound; nothing may crash or hang.
#include "adapters/email/imap_protocol.hpp"
#include "adapters/email/imap_source.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

using namespace lg;
namespace email = adapters::email;

constexpr std::size_t max_body = 512;

struct fixture {
  config::source_config src;
  email::imap_source_options opts;
  fixture() {
    src.id = "fuzz";
    src.channel = "email";
    src.preset = "imap";
    src.options = {{"host", "imap.example.com"},
                   {"user", "u"},
                   {"password", "p"},
                   {"max_body", max_body},
                   {"extract", {{"full_name", {"Name", "Họ tên"}}, {"phone", {"Phone"}}, {"email", {"Email"}}}}};
    opts = email::read_imap_options(src, "sources[0]");
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fixture fx;
  std::string buf(reinterpret_cast<const char*>(data), size);
  email::imap::limits lim;
  lim.max_line = 4096;
  lim.max_literal = 64 * 1024;
  lim.max_literals = 4;
  for (int round = 0; round < 64; ++round) {
    auto r = email::imap::take_response(buf, lim);
    if (!r || !*r) break;
    const auto& resp = **r;
    (void)email::imap::parse_tagged(resp.text);
    (void)email::imap::capabilities(resp.text);
    (void)email::imap::response_code_number(resp.text, "UIDVALIDITY");
    auto f = email::imap::parse_fetch(resp);
    if (!f || !f->body) continue;
    email::imap_message_meta meta{7, f->uid.value_or(1), f->size.value_or(0), false, "2026-11-23T00:00:00.000Z"};
    auto e = email::imap_message_event(fx.src, fx.opts, *f->body, meta);
    if (!e) continue;
    nlohmann::json j = *e;
    (void)j.dump();
    if (e->event_id.rfind("email:", 0) != 0 || e->message.size() > max_body) std::abort();
  }
  return 0;
}
