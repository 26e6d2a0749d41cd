// Every configuration snippet of the guides loads: each ```json block of README.md and docs/
// that is a config, a source, a destination or a team goes through what `leadgate check-config`
// runs (gateway::check_config), and so do config/example.json and config/leadgate.json whole. A
// guide can no longer drift from the code. Blocks that are API examples are not configs; a
// block that is no JSON at all must say it is an illustration (an ellipsis, "…"), and an API
// example shaped like a config is marked `<!-- not a config: … -->` on the line before it.
#include "gateway/config_check.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace lg::gateway {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path source_dir{LG_SOURCE_DIR};

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct snippet {
  std::string where;  // file:line
  std::string text;
  bool not_a_config = false;  // marked so on the line before the fence
};

std::vector<snippet> json_blocks(const fs::path& file) {
  std::vector<snippet> out;
  std::istringstream in(read(file));
  std::string line, text, before;
  int n = 0, start = 0;
  bool inside = false, marked = false;
  while (std::getline(in, line)) {
    ++n;
    if (!inside && line.starts_with("```json")) {
      inside = true;
      start = n;
      text.clear();
      marked = before.starts_with("<!-- not a config");
    } else if (inside && line.starts_with("```")) {
      inside = false;
      out.push_back({fs::relative(file, source_dir).string() + ":" + std::to_string(start), text, marked});
    } else if (inside) {
      text += line + "\n";
    }
    if (!line.empty()) before = line;
  }
  return out;
}

std::vector<fs::path> guides() {
  std::vector<fs::path> out{source_dir / "README.md"};
  for (const auto& e : fs::recursive_directory_iterator(source_dir / "docs"))
    if (e.is_regular_file() && e.path().extension() == ".md") out.push_back(e.path());
  return out;
}

bool is_config(const json& j) {
  static const std::set<std::string> sections{"tenant", "time_zone", "server",  "redis", "logging", "sources",
                                              "admin",  "processing", "teams",  "routing", "destinations"};
  if (!j.is_object() || j.empty()) return false;
  for (const auto& [k, v] : j.items())
    if (!k.starts_with("_") && !sections.contains(k)) return false;
  return true;
}

// The config a snippet stands for: itself when it is one, else the one list it is an entry of.
std::optional<json> as_config(const json& j) {
  if (is_config(j)) return j;
  if (!j.is_object() || !j.contains("id")) return std::nullopt;
  if (j.contains("channel")) return json{{"sources", json::array({j})}};
  if (j.contains("type") && j.contains("url")) return json{{"destinations", json::array({j})}};
  if (j.contains("members")) return json{{"teams", json::array({j})}};
  return std::nullopt;
}

// Sets every {"env":NAME} the snippet reads (that the environment does not set) to a value
// every secret accepts: a webhook secret's whsec_ form is also a plain string.
void set_env_secrets(const json& j) {
  if (j.is_object()) {
    if (const auto it = j.find("env"); it != j.end() && it->is_string() && j.size() <= 2)
      ::setenv(it->get<std::string>().c_str(), "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", 0);
    for (const auto& [k, v] : j.items()) set_env_secrets(v);
  } else if (j.is_array()) {
    for (const auto& v : j) set_env_secrets(v);
  }
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += "\n  " + l;
  return out;
}

TEST(ConfigSnippets, EveryConfigSnippetOfTheGuidesPassesCheckConfig) {
  std::size_t checked = 0;
  for (const auto& file : guides()) {
    for (const auto& s : json_blocks(file)) {
      auto j = json::parse(s.text, nullptr, false);
      if (j.is_discarded()) {
        EXPECT_NE(s.text.find("…"), std::string::npos) << s.where << ": a ```json block that is not JSON";
        continue;
      }
      auto cfg = as_config(j);
      if (!cfg || s.not_a_config) continue;
      set_env_secrets(*cfg);
      EXPECT_EQ(joined(check_config(*cfg)), "") << s.where;
      ++checked;
    }
  }
  // The channel guides alone hold nine; finding fewer means the scan broke, not the guides.
  EXPECT_GE(checked, 9u);
}

TEST(ConfigSnippets, TheExampleAndTheDefaultConfigsPassCheckConfigWhole) {
  for (const char* name : {"config/example.json", "config/leadgate.json"}) {
    auto j = json::parse(read(source_dir / name), nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << name;
    set_env_secrets(j);
    EXPECT_EQ(joined(check_config(j)), "") << name;
  }
}

TEST(ConfigSnippets, TheExampleShowsEverySection) {
  auto j = json::parse(read(source_dir / "config/example.json"));
  for (const char* section : {"tenant", "time_zone", "server", "redis", "logging", "admin", "processing", "sources",
                              "teams", "routing", "destinations"})
    EXPECT_TRUE(j.contains(section)) << section;
  std::set<std::string> channels, presets;
  for (const auto& s : j["sources"]) {
    channels.insert(s.value("channel", ""));
    presets.insert(s.value("preset", ""));
  }
  for (const char* c : {"web_form", "landing_page", "zalo", "facebook_messenger", "hotline", "sms", "email", "api"})
    EXPECT_TRUE(channels.contains(c)) << c;
  EXPECT_TRUE(presets.contains("imap"));
}

TEST(ConfigSnippets, ABrokenSnippetIsCaught) {
  // The check is the real one: a wrong channel or option is named with its path.
  json fb = {{"id", "fb"}, {"channel", "facebook"}};
  auto problems = check_config(*as_config(fb));
  ASSERT_FALSE(problems.empty());
  EXPECT_NE(problems[0].find("sources[0].channel"), std::string::npos) << problems[0];
  json zalo = {{"id", "z"}, {"channel", "zalo"}, {"options", {{"app_id", "1"}, {"no_such_option", 1}}}};
  EXPECT_FALSE(check_config(*as_config(zalo)).empty());
  // Destinations: the type is the connector registry's, the options its factory's.
  json ftp = {{"id", "f"}, {"type", "ftp"}, {"url", "https://x.example"}};
  EXPECT_EQ(joined(check_config(*as_config(ftp))), "\n  destinations[0].type: no connector for 'ftp'");
  ::setenv("LG_TEST_CRM_PW", "pw", 1);
  json crm = {{"id", "crm"}, {"type", "sugarcrm"}, {"url", "https://crm.example"},
              {"options", {{"username", "u"}, {"password", {{"env", "LG_TEST_CRM_PW"}}}, {"page_size", 0}}}};
  EXPECT_EQ(joined(check_config(*as_config(crm))),
            "\n  destinations[0].options.page_size: must be an integer between 1 and 1000");
  crm["options"]["page_size"] = 10;
  crm["options"]["notify_secret"] = "written-in-the-file";
  EXPECT_EQ(joined(check_config(*as_config(crm))),
            "\n  destinations[0].options.notify_secret: must be a secret {\"env\":\"NAME\"}, not written into the file");
  ::setenv("LG_TEST_HOOK_SECRET", "whsec_MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=", 1);
  json hook = {{"id", "h"}, {"type", "webhook"}, {"url", "https://x.example"}, {"direction", "two_way"},
               {"secrets", {{{"env", "LG_TEST_HOOK_SECRET"}}}}};
  EXPECT_THAT(joined(check_config(*as_config(hook))), testing::HasSubstr("destinations[0].direction: two_way needs"));
}

}  // namespace
}  // namespace lg::gateway
