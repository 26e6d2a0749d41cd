// JSON-lines logging for spdlog. Extra fields travel inside the payload after a unit
// separator ('\x1f'), already rendered as JSON members, so the formatter needs no side
// channel and text mode can print them as key=value.
#include "logging/logging.hpp"

#include "core/time_format.hpp"

#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>
#include <memory>

namespace lg::logging {
namespace {

using core::append_rfc3339_ms;

constexpr char field_separator = '\x1f';

class json_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(128 + msg.payload.size());
    line += "{\"ts\":\"";
    append_rfc3339_ms(line, msg.time);
    line += "\",\"level\":\"";
    const auto lv = spdlog::level::to_string_view(msg.level);
    line.append(lv.data(), lv.size());
    line += "\",\"msg\":\"";
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const auto sep = payload.find(field_separator);
    append_json_escaped(line, payload.substr(0, sep));
    line += '"';
    if (sep != std::string_view::npos) line.append(payload.substr(sep + 1));
    line += "}\n";
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }
};

class text_formatter final : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    append_rfc3339_ms(line, msg.time);
    line += ' ';
    const auto lv = spdlog::level::to_string_view(msg.level);
    line.append(lv.data(), lv.size());
    line += ' ';
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    const auto sep = payload.find(field_separator);
    line.append(payload.substr(0, sep));
    if (sep != std::string_view::npos) {
      // Turn the rendered members ,"k":"v" back into k=v pairs for humans.
      for (char c : payload.substr(sep + 1)) {
        if (c == ',') line += ' ';
        else if (c == ':') line += '=';
        else if (c != '"') line += c;
      }
    }
    line += '\n';
    dest.append(line.data(), line.data() + line.size());
  }
  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<text_formatter>(); }
};

bool json_mode = true;

}  // namespace

void append_json_escaped(std::string& out, std::string_view s) {
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
}

void init(std::string_view level, std::string_view format) {
  auto logger = std::make_shared<spdlog::logger>("leadgate", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  json_mode = format != "text";
  if (json_mode) {
    logger->set_formatter(std::make_unique<json_formatter>());
  } else {
    logger->set_formatter(std::make_unique<text_formatter>());
  }
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") lvl = spdlog::level::info;
  logger->set_level(lvl);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
}

void log(spdlog::level::level_enum lvl, std::string_view msg, std::initializer_list<field> fields) {
  auto* logger = spdlog::default_logger_raw();
  if (!logger->should_log(lvl)) return;
  std::string payload(msg);
  if (fields.size() != 0) {
    payload += field_separator;
    for (const auto& [k, v] : fields) {
      payload += ",\"";
      append_json_escaped(payload, k);
      payload += "\":\"";
      append_json_escaped(payload, v);
      payload += '"';
    }
  }
  logger->log(lvl, std::string_view(payload));
}

std::string mask_phone(std::string_view phone) {
  std::string out(phone);
  if (out.size() >= 9) {
    // Keep "+" and the first three digits (country code and carrier), and the last four.
    for (std::size_t i = 4; i + 4 < out.size(); ++i) out[i] = '*';
  } else {
    for (std::size_t i = 0; i + 2 < out.size(); ++i) out[i] = '*';
  }
  return out;
}

std::string mask_email(std::string_view email) {
  const auto at = email.rfind('@');
  if (at == std::string_view::npos || at == 0) return "***";
  std::string out;
  out += email[0];
  out += "***";
  out.append(email.substr(at));
  return out;
}

}  // namespace lg::logging
