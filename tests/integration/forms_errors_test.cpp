// Every error answer of the forms endpoint is JSON with the right status.
#include "support/http_test_client.hpp"
#include "support/test_server.hpp"
#include "server_fixture.hpp"
#include "test_redis.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace lg::test {
namespace {

using http::verb;

nlohmann::json error_of(const http_answer& a) {
  EXPECT_EQ(a.header("Content-Type"), "application/json");
  return nlohmann::json::parse(a.body).at("error");
}

using FormsErrors = ServerTest;

TEST_F(FormsErrors, UnknownOrDisabledSource) {
  for (const char* target : {"/v1/forms/nope", "/v1/forms/off"}) {
    auto a = http_request(port(), verb::post, target, "phone=0912000111", urlencoded);
    EXPECT_EQ(a.status, 404u) << target;
    auto e = error_of(a);
    EXPECT_EQ(e["code"], "not_found");
    EXPECT_EQ(e["field"], "source");
  }
}

TEST_F(FormsErrors, UnsupportedMediaType) {
  auto a = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=A&sdt=0912000111",
                        {{"Content-Type", "text/plain"}});
  EXPECT_EQ(a.status, 415u) << a.body;
  EXPECT_EQ(error_of(a)["code"], "unsupported_media_type");
}

TEST_F(FormsErrors, BodyOverLimit) {
  const std::string big = "ho_ten=" + std::string(5000, 'a') + "&sdt=0912000111";
  auto a = http_request(port(), verb::post, "/v1/forms/website", big, urlencoded);
  EXPECT_EQ(a.status, 413u) << a.body;
  EXPECT_EQ(error_of(a)["code"], "payload_too_large");
}

TEST_F(FormsErrors, MissingFieldIsNamed) {
  auto a = http_request(port(), verb::post, "/v1/forms/website", "sdt=0912000111", urlencoded);
  EXPECT_EQ(a.status, 400u) << a.body;
  auto e = error_of(a);
  EXPECT_EQ(e["code"], "missing_field");
  EXPECT_EQ(e["field"], "full_name");
}

TEST_F(FormsErrors, MalformedEncoding) {
  auto a = http_request(port(), verb::post, "/v1/forms/website", "ho_ten=%E1%BB&sdt=0912000111", urlencoded);
  EXPECT_EQ(a.status, 400u) << a.body;
  auto b = http_request(port(), verb::post, "/v1/forms/website", "{\"ho_ten\":", {{"Content-Type", "application/json"}});
  EXPECT_EQ(b.status, 400u) << b.body;
  EXPECT_EQ(error_of(b)["code"], "bad_request");
}

TEST_F(FormsErrors, Token) {
  auto missing = http_request(port(), verb::post, "/v1/forms/landing", "name=A&phone=0912000111", urlencoded);
  EXPECT_EQ(missing.status, 401u) << missing.body;
  EXPECT_EQ(error_of(missing)["code"], "unauthorized");
  auto h = urlencoded;
  h["X-Leadgate-Token"] = "wrong";
  EXPECT_EQ(http_request(port(), verb::post, "/v1/forms/landing", "name=A&phone=0912000111", h).status, 401u);
  h["X-Leadgate-Token"] = "s3cret-token-0123456789";
  EXPECT_EQ(http_request(port(), verb::post, "/v1/forms/landing", "name=A&phone=0912000111", h).status, 202u);
}

TEST_F(FormsErrors, MethodNotAllowedAndUnknownRoute) {
  auto a = http_request(port(), verb::get, "/v1/forms/website");
  EXPECT_EQ(a.status, 405u);
  EXPECT_EQ(a.header("Allow"), "POST, OPTIONS");
  EXPECT_EQ(error_of(a)["code"], "method_not_allowed");
  auto b = http_request(port(), verb::get, "/v2/nothing");
  EXPECT_EQ(b.status, 404u);
  EXPECT_EQ(error_of(b)["code"], "not_found");
}

TEST(FormsRedisDown, ServiceUnavailableWithRetryAfter) {
  // A port nobody listens on: bind, read the port, close.
  unsigned short closed_port = 0;
  {
    asio::io_context ioc;
    asio::ip::tcp::acceptor a(ioc, {asio::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  test_server srv(test_config("redis://127.0.0.1:" + std::to_string(closed_port)));
  auto a = http_request(srv.port(), verb::post, "/v1/forms/website", "ho_ten=A&sdt=0912000111", urlencoded);
  EXPECT_EQ(a.status, 503u) << a.body;
  EXPECT_EQ(a.header("Retry-After"), "5");
  EXPECT_EQ(error_of(a)["code"], "unavailable");
  EXPECT_EQ(http_request(srv.port(), verb::get, "/readyz").status, 503u);
  EXPECT_EQ(http_request(srv.port(), verb::get, "/healthz").status, 200u);
}

}  // namespace
}  // namespace lg::test
