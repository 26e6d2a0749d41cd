// Internal to config/: reads typed values out of the config JSON while collecting every
// problem as "path: reason", so one pass both builds the config structs and validates them
// (check() returns the list, parse() throws it). A value with a problem leaves the default.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace lg::config::detail {

using nlohmann::json;

// "server" + "port" -> "server.port"; "" + "tenant" -> "tenant".
std::string member_path(std::string_view parent, std::string_view key);
// "sources" + 3 -> "sources[3]".
std::string index_path(std::string_view parent, std::size_t i);

class json_reader {
 public:
  explicit json_reader(std::vector<std::string>& problems) : problems_(problems) {}

  void add(std::string_view path, std::string_view reason);
  // A problem already written as "path: reason" (e.g. a config_error's what()).
  void add_line(std::string line) { problems_.push_back(std::move(line)); }
  std::size_t problem_count() const noexcept { return problems_.size(); }

  // True if `j` is an object; reports keys not in `known`. Keys starting with '_' are
  // comments (JSON has none) and are ignored everywhere.
  bool object(const json& j, std::string_view path, std::initializer_list<std::string_view> known);

  // Each reads obj[key] when present; a wrong type or range is reported and `out` is kept.
  // They return true when the key was present and valid.
  bool string(const json& obj, std::string_view parent, std::string_view key, std::string& out,
              std::size_t max_length = 1024);
  bool boolean(const json& obj, std::string_view parent, std::string_view key, bool& out);
  bool integer(const json& obj, std::string_view parent, std::string_view key, std::int64_t& out,
               std::int64_t min, std::int64_t max);
  bool millis(const json& obj, std::string_view parent, std::string_view key, std::chrono::milliseconds& out,
              std::int64_t min, std::int64_t max);
  // An array of strings, each 1..max_length characters.
  bool string_array(const json& obj, std::string_view parent, std::string_view key,
                    std::vector<std::string>& out, std::size_t max_items = 1000, std::size_t max_length = 1024);

  template <class T>
  bool unsigned_value(const json& obj, std::string_view parent, std::string_view key, T& out, std::int64_t min,
                      std::int64_t max) {
    std::int64_t v = static_cast<std::int64_t>(out);
    if (!integer(obj, parent, key, v, min, max)) return false;
    out = static_cast<T>(v);
    return true;
  }

 private:
  std::vector<std::string>& problems_;
};

}  // namespace lg::config::detail
