// The contacts admin API handlers against real Redis: a person seen on a web form and then
// on Zalo (merged), looked up by id (also by the merged-away id), phone, email, Zalo and name.
#include "identity_harness.hpp"

#include "gateway/admin/contacts_api.hpp"

namespace lg::test {
namespace {

class api_client {
 public:
  api_client() {
    client_ = store::redis_client::create(ioc_, test_redis_options());
    client_->start();
    for (int i = 0; i < 500 && !client_->connected(); ++i) step();
  }
  ~api_client() { client_->stop(); }
  gateway::api_response get(const std::string& tenant, const std::string& id) {
    return wait(asio::co_spawn(ioc_, gateway::handle_get_contact(*client_, tenant, id), asio::use_future));
  }
  gateway::api_response find(const std::string& tenant, std::map<std::string, std::string> q) {
    return wait(asio::co_spawn(ioc_, gateway::handle_find_contacts(*client_, tenant, std::move(q)),
                               asio::use_future));
  }

 private:
  void step() {
    ioc_.run_for(std::chrono::milliseconds(10));
    ioc_.restart();
  }
  gateway::api_response wait(std::future<gateway::api_response> f) {
    for (int i = 0; i < 500 && f.wait_for(std::chrono::seconds(0)) != std::future_status::ready; ++i) step();
    return f.get();
  }
  asio::io_context ioc_;
  std::shared_ptr<store::redis_client> client_;
};

core::lead_event event(const std::string& id, core::channel ch) {
  core::lead_event e;
  e.event_id = id;
  e.lead_id = "L-" + id;
  e.source = "src";
  e.chan = ch;
  e.occurred_at = "2026-11-22T03:00:00Z";
  return e;
}

TEST(IdentityApi, GetAndFindContacts) {
  const std::string tenant = fresh_tenant("api");
  blocking_redis r;
  auto zalo = event("z1", core::channel::zalo);  // first: a Zalo chat, no phone yet
  zalo.contact.full_name = "Lan Nguyen";
  zalo.contact.ids = {{"zalo", "42"}, {"zalo_oa", "oa1"}};
  auto form = event("f1", core::channel::web_form);
  form.contact.full_name = "Nguyễn Thị Lan";
  form.contact.phones = {"+84912345678"};
  form.contact.emails = {"lan.nguyen@gmail.com"};
  auto both = event("z2", core::channel::zalo);  // links the two
  both.contact.phones = {"+84912345678"};
  both.contact.ids = zalo.contact.ids;
  auto kid = event("f2", core::channel::web_form);  // a sibling on the same phone
  kid.contact.full_name = "Nguyễn Văn Minh";
  kid.contact.phones = {"+84912345678"};
  r.exec_all({xadd_command(tenant, zalo), xadd_command(tenant, form), xadd_command(tenant, both),
              xadd_command(tenant, kid)});
  {
    worker_thread w(test_worker_options(tenant));
    ASSERT_TRUE(wait_drained(r, tenant));
  }

  api_client api;
  auto merged_away = api.get(tenant, "c_2");  // the form's contact, merged into the Zalo one
  ASSERT_EQ(merged_away.status, 200u) << merged_away.body;
  auto c = nlohmann::json::parse(merged_away.body);
  EXPECT_EQ(c["id"], "c_1");
  EXPECT_EQ(c["requested_id"], "c_2");
  // web_form outranks zalo for the name: the form's full name wins over the chat nickname.
  EXPECT_EQ(c["name"], "Nguyễn Thị Lan");
  EXPECT_EQ(c["team"], "hn-1");
  ASSERT_EQ(c["learners"].size(), 1u);
  EXPECT_EQ(c["learners"][0]["name"], "Nguyễn Văn Minh");
  EXPECT_EQ(c["emails"][0]["value"], "lan.nguyen@gmail.com");
  ASSERT_GE(c["timeline"].size(), 5u);  // 4 touches + 1 merge
  EXPECT_EQ(c["timeline"][0]["learner"], "Nguyễn Văn Minh");

  for (auto q : std::vector<std::map<std::string, std::string>>{
           {{"phone", "0912 345 678"}}, {{"email", "LanNguyen+ielts@gmail.com"}},
           {{"zalo", "oa1:42"}}, {{"q", "Nguyễn Thị"}}, {{"q", "nguyen van m"}}}) {
    auto res = api.find(tenant, q);
    ASSERT_EQ(res.status, 200u) << res.body;
    auto j = nlohmann::json::parse(res.body);
    ASSERT_EQ(j["contacts"].size(), 1u) << q.begin()->first << "=" << q.begin()->second;
    EXPECT_EQ(j["contacts"][0]["id"], "c_1");
  }
  EXPECT_EQ(nlohmann::json::parse(api.find(tenant, {{"phone", "0987654321"}}).body)["contacts"].size(), 0u);
  EXPECT_EQ(api.get(tenant, "c_99").status, 404u);
  EXPECT_EQ(api.get(tenant, "../x").status, 404u);
  EXPECT_EQ(api.find(tenant, {{"phone", "abc"}}).status, 400u);
  EXPECT_EQ(api.find(tenant, {{"phone", "0912345678"}, {"q", "lan"}}).status, 400u);
  EXPECT_EQ(api.find(tenant, {}).status, 400u);
  EXPECT_EQ(api.find(tenant, {{"zalo", "42"}}).status, 400u);
}

// A chat profile's display name (here a parent's nickname on Zalo and Messenger) names a
// contact only until a real name comes, and never becomes a learner; two children registered
// on the same phone still make a household.
TEST(IdentityApi, ChatDisplayNamesNeverBecomeLearners) {
  const std::string tenant = fresh_tenant("display");
  blocking_redis r;
  const std::string phone = "+84987001122";
  auto chat = event("z1", core::channel::zalo);  // the parent, sharing the phone on Zalo
  chat.contact.full_name = "Mẹ Bống";
  chat.contact.phones = {phone};
  chat.contact.ids = {{"zalo", "77"}, {"zalo_oa", "oa1"}};
  auto form = event("f1", core::channel::web_form);  // the child's registration
  form.contact.full_name = "Nguyễn Thị Hoa";
  form.contact.phones = {phone};
  auto chat_again = event("z2", core::channel::zalo);  // a new nickname on the same account
  chat_again.contact.full_name = "Bống Bống";
  chat_again.contact.ids = chat.contact.ids;
  auto messenger = event("m1", core::channel::facebook_messenger);
  messenger.contact.full_name = "Hoa Mommy";
  messenger.contact.phones = {phone};
  messenger.contact.ids = {{"facebook", "psid-9"}, {"facebook_page", "page1"}};
  auto sibling = event("f2", core::channel::web_form);  // a second child on the same phone
  sibling.contact.full_name = "Trần Văn Minh";
  sibling.contact.phones = {phone};
  r.exec_all({xadd_command(tenant, chat), xadd_command(tenant, form), xadd_command(tenant, chat_again),
              xadd_command(tenant, messenger), xadd_command(tenant, sibling)});
  {
    worker_thread w(test_worker_options(tenant));
    ASSERT_TRUE(wait_drained(r, tenant));
  }

  api_client api;
  auto res = api.find(tenant, {{"phone", phone}});
  ASSERT_EQ(res.status, 200u) << res.body;
  auto found = nlohmann::json::parse(res.body)["contacts"];
  ASSERT_EQ(found.size(), 1u) << res.body;
  auto got = api.get(tenant, found[0]["id"].get<std::string>());
  ASSERT_EQ(got.status, 200u) << got.body;
  auto c = nlohmann::json::parse(got.body);
  EXPECT_EQ(c["name"], "Nguyễn Thị Hoa");  // the real name replaced the nickname
  EXPECT_EQ(c["name_source"]["channel"], "web_form");
  EXPECT_EQ(c["name_source"]["display_name"], false);
  ASSERT_EQ(c["learners"].size(), 1u) << c.dump();
  EXPECT_EQ(c["learners"][0]["name"], "Trần Văn Minh");
  EXPECT_EQ(c["ids"].size(), 2u);  // the Zalo and Messenger ids are still the contact's

  // A contact known only from a chat keeps the display name, flagged as such.
  auto lone = event("z9", core::channel::zalo);
  lone.contact.full_name = "Bé Na";
  lone.contact.ids = {{"zalo", "78"}, {"zalo_oa", "oa1"}};
  r.exec_all({xadd_command(tenant, lone)});
  {
    worker_thread w(test_worker_options(tenant));
    ASSERT_TRUE(wait_drained(r, tenant));
  }
  auto z = nlohmann::json::parse(api.find(tenant, {{"zalo", "oa1:78"}}).body)["contacts"];
  ASSERT_EQ(z.size(), 1u);
  auto lone_c = nlohmann::json::parse(api.get(tenant, z[0]["id"].get<std::string>()).body);
  EXPECT_EQ(lone_c["name"], "Bé Na");
  EXPECT_EQ(lone_c["name_source"]["display_name"], true);
  EXPECT_EQ(lone_c["learners"].size(), 0u);
}

}  // namespace
}  // namespace lg::test
