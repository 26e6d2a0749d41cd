// The inbound_adapter of the hotline, SMS and email-webhook presets. A preset says two things:
// how a delivery is authenticated (accept: nothing is read before it passes, and its error is
// the request's answer) and what an authentic delivery says (read: an event, nothing worth
// recording, or why it goes to quarantine). preset_adapter turns that into adapter_output, so
// no preset builds one itself.
#pragma once

#include "adapters/adapter.hpp"
#include "adapters/inbound_request.hpp"
#include "config/config.hpp"
#include "core/error.hpp"
#include "core/lead_event.hpp"

#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace lg::adapters::hook {

// What one authentic delivery came to: its event, nothing worth recording (std::nullopt: an
// intermediate call status, an outbound leg), or why it is quarantined (the error).
using reading = std::expected<std::optional<core::lead_event>, std::string>;

inline std::unexpected<std::string> quarantine(std::string reason) { return std::unexpected(std::move(reason)); }

// One event, one ignored delivery, or the quarantine reason.
adapter_output output(reading r);

// Preset: a copyable struct with
//   std::expected<D, core::error> accept(const config::source_config&, const inbound_request&) const;
//   reading read(const config::source_config&, const inbound_request&, const D&) const;
// (read without the D when D is void) and, when the provider expects a particular answer,
//   direct_reply reply() const;
template <class Preset>
class preset_adapter final : public inbound_adapter {
 public:
  preset_adapter(config::source_config src, Preset preset) : src_(std::move(src)), preset_(std::move(preset)) {}

  std::expected<adapter_output, core::error> handle(const inbound_request& req) const override {
    auto accepted = preset_.accept(src_, req);
    if (!accepted) return std::unexpected(accepted.error());
    adapter_output out;
    if constexpr (std::is_void_v<typename decltype(accepted)::value_type>)
      out = output(preset_.read(src_, req));
    else
      out = output(preset_.read(src_, req, *accepted));
    if constexpr (requires(const Preset& p) { p.reply(); }) out.reply = preset_.reply();
    return out;
  }

 private:
  config::source_config src_;
  Preset preset_;
};

template <class Preset>
std::unique_ptr<inbound_adapter> make_preset_adapter(const config::source_config& src, Preset preset) {
  return std::make_unique<preset_adapter<Preset>>(src, std::move(preset));
}

}  // namespace lg::adapters::hook
