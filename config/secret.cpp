// Secrets are kept apart from the config file: {"env":"NAME"} names an environment variable
// read once at load time. A plain string is accepted too (local development, tests).
#include "config/config.hpp"

#include <algorithm>
#include <cstdlib>

namespace lg::config {
namespace {

bool valid_env_name(const std::string& name) {
  if (name.empty() || name.size() > 128) return false;
  if (name.front() >= '0' && name.front() <= '9') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace

std::string resolve_secret(const nlohmann::json& v, const std::string& path) {
  if (v.is_string()) return v.get<std::string>();
  const bool optional_form = v.is_object() && v.size() == 2 && v.contains("optional");
  if (optional_form && !v.at("optional").is_boolean()) throw config_error(path + ".optional: must be true or false");
  if (v.is_object() && (v.size() == 1 || optional_form) && v.contains("env")) {
    const bool optional = optional_form && v.at("optional").get<bool>();
    const auto& name_json = v.at("env");
    if (!name_json.is_string() || !valid_env_name(name_json.get_ref<const std::string&>()))
      throw config_error(path + ".env: not a valid environment variable name");
    const auto& name = name_json.get_ref<const std::string&>();
    const char* value = std::getenv(name.c_str());
    if ((value == nullptr || *value == '\0') && optional) return {};
    if (value == nullptr) throw config_error(path + ": environment variable " + name + " is not set");
    if (*value == '\0') throw config_error(path + ": environment variable " + name + " is empty");
    return value;
  }
  throw config_error(path + ": must be a string or {\"env\":\"NAME\"}");
}

}  // namespace lg::config
