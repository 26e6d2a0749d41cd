// Reading the config file: I/O and JSON syntax errors are reported with the file path and,
// for syntax errors, the line and column the JSON parser stopped at.
#include "config/config.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace lg::config {
namespace {

constexpr std::size_t max_config_bytes = 16 << 20;

// 1-based line and column of byte offset `pos` (nlohmann reports the byte after the error).
std::pair<std::size_t, std::size_t> line_column(const std::string& text, std::size_t pos) {
  std::size_t line = 1, column = 1;
  for (std::size_t i = 0; i + 1 < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {line, column};
}

}  // namespace

config load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw config_error(path + ": cannot open: " + std::strerror(errno));
  // A directory opens fine on Linux and then reads as nothing; say what it is instead.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) throw config_error(path + ": cannot read: not a regular file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw config_error(path + ": cannot read: " + std::strerror(errno));
  const auto text = std::move(buffer).str();
  if (text.size() > max_config_bytes) throw config_error(path + ": larger than 16 MiB");

  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, column] = line_column(text, e.byte);
    // e.what() carries the parser's own reason after the position it computed.
    std::string reason = e.what();
    if (const auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
    throw config_error(path + ": invalid JSON at line " + std::to_string(line) + ", column " +
                       std::to_string(column) + ": " + reason);
  }

  try {
    return parse(j);
  } catch (const config_error& e) {
    // Prefix every "path: reason" line with the file, as compilers do.
    std::string message;
    std::istringstream lines(e.what());
    for (std::string line; std::getline(lines, line);) {
      if (!message.empty()) message += '\n';
      message += path + ": " + line;
    }
    throw config_error(message);
  }
}

}  // namespace lg::config
