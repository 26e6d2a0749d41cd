#include "config/json_reader.hpp"

#include <algorithm>

namespace lg::config::detail {

std::string member_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  std::string p(parent);
  p += '.';
  p += key;
  return p;
}

std::string index_path(std::string_view parent, std::size_t i) {
  return std::string(parent) + "[" + std::to_string(i) + "]";
}

void json_reader::add(std::string_view path, std::string_view reason) {
  std::string line(path.empty() ? std::string_view("(root)") : path);
  line += ": ";
  line += reason;
  problems_.push_back(std::move(line));
}

bool json_reader::object(const json& j, std::string_view path, std::initializer_list<std::string_view> known) {
  if (!j.is_object()) {
    add(path, "must be an object");
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (!key.empty() && key.front() == '_') continue;
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    // Durations are always written in milliseconds; point at the right name for "read_timeout".
    const std::string with_ms = key + "_ms";
    if (std::find(known.begin(), known.end(), with_ms) != known.end())
      add(member_path(path, key), "unknown key (durations are in milliseconds: " + with_ms + ")");
    else
      add(member_path(path, key), "unknown key");
  }
  return true;
}

bool json_reader::string(const json& obj, std::string_view parent, std::string_view key, std::string& out,
                         std::size_t max_length) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_string()) {
    add(member_path(parent, key), "must be a string");
    return false;
  }
  const auto& s = it->get_ref<const std::string&>();
  if (s.size() > max_length) {
    add(member_path(parent, key), "longer than " + std::to_string(max_length) + " characters");
    return false;
  }
  out = s;
  return true;
}

bool json_reader::boolean(const json& obj, std::string_view parent, std::string_view key, bool& out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  if (!it->is_boolean()) {
    add(member_path(parent, key), "must be true or false");
    return false;
  }
  out = it->get<bool>();
  return true;
}

bool json_reader::integer(const json& obj, std::string_view parent, std::string_view key, std::int64_t& out,
                          std::int64_t min, std::int64_t max) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  const auto range = "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
  if (!it->is_number_integer()) {
    add(member_path(parent, key), range);
    return false;
  }
  // Unsigned values above INT64_MAX are out of every range we use.
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    add(member_path(parent, key), range);
    return false;
  }
  const auto v = it->get<std::int64_t>();
  if (v < min || v > max) {
    add(member_path(parent, key), range);
    return false;
  }
  out = v;
  return true;
}

bool json_reader::millis(const json& obj, std::string_view parent, std::string_view key,
                         std::chrono::milliseconds& out, std::int64_t min, std::int64_t max) {
  std::int64_t v = out.count();
  if (!integer(obj, parent, key, v, min, max)) return false;
  out = std::chrono::milliseconds(v);
  return true;
}

bool json_reader::string_array(const json& obj, std::string_view parent, std::string_view key,
                               std::vector<std::string>& out, std::size_t max_items, std::size_t max_length) {
  const auto it = obj.find(key);
  if (it == obj.end()) return false;
  const auto path = member_path(parent, key);
  if (!it->is_array()) {
    add(path, "must be an array of strings");
    return false;
  }
  if (it->size() > max_items) {
    add(path, "more than " + std::to_string(max_items) + " entries");
    return false;
  }
  const auto before = problems_.size();
  std::vector<std::string> values;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const auto& v = (*it)[i];
    if (!v.is_string()) {
      add(index_path(path, i), "must be a string");
    } else if (v.get_ref<const std::string&>().empty()) {
      add(index_path(path, i), "must not be empty");
    } else if (v.get_ref<const std::string&>().size() > max_length) {
      add(index_path(path, i), "longer than " + std::to_string(max_length) + " characters");
    } else {
      values.push_back(v.get<std::string>());
    }
  }
  if (problems_.size() != before) return false;
  out = std::move(values);
  return true;
}

}  // namespace lg::config::detail
