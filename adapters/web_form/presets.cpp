#include "adapters/web_form/presets.hpp"

#include "config/field_targets.hpp"

namespace lg::adapters::web_form::detail {
namespace {

std::vector<name_target> generic_table() {
  std::vector<name_target> t;
  for (const auto target : config::simple_targets) t.emplace_back(target, target);
  return t;
}

std::vector<name_target> ladipage_table() {
  // LadiPage posts name/phone/email/address/utm_* flat, and the same names inside form_data
  // (reference/channels.md §3; field names unverified against a live delivery, hence the
  // source's own field_map taking precedence).
  auto t = generic_table();
  t.insert(t.end(), {{"name", "full_name"}, {"ho_ten", "full_name"}, {"ad_id", "extra.ad_id"},
                     {"content", "message"}, {"note", "message"}, {"url_page", "page_url"}});
  return t;
}

}  // namespace

const std::vector<name_target>& preset_fields(std::string_view preset) {
  static const auto generic = generic_table();
  static const auto ladipage = ladipage_table();
  return preset == "ladipage" ? ladipage : generic;
}

}  // namespace lg::adapters::web_form::detail
