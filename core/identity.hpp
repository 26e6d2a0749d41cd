// Identity keys of a lead event: the strings by which leadgate recognizes one person across
// channels (DESIGN.md, "Identity keys"). Pure: no I/O. The contact repository
// (store/contacts.hpp) looks each key up as lg:{t}:key:<identity key>.
//
// Key forms:
//   phone:<E.164>                  "phone:+84912345678"
//   email:<email_match_key>        "email:lan.nguyen@gmail.com" -> "email:lannguyen@gmail.com"
//   zalo:<oa>:<user id>            Zalo user ids are per OA (or per app), so the OA scopes them
//   fb:<page>:<psid>               a Messenger PSID is per Page
//   fblead:<leadgen id>            a Lead Ads lead id is global
//   ext:<destination>:<id>         a record id in a CRM/ERP/POS we sync with
//
// How adapters name channel ids in lead_event::contact.ids (one flat map, string -> string):
//   "zalo"          -> Zalo user id (user_id_by_app or the OA-scoped id);
//   "zalo_oa"       -> the OA (or app) id that scopes it; absent: the event's source id
//   "facebook"      -> Messenger PSID;
//   "facebook_page" -> the Page id that scopes it; absent: the event's source id
//   "facebook_lead" -> Lead Ads leadgen_id
//   "ext:<dest>"    -> the id of this person in destination <dest> (e.g. "ext:sugarcrm")
// Other entries of `ids` are kept on the event but are not identities.
//
// The folded name (fold_text of full_name) is returned apart: it ranks, reviews and searches,
// and is never a key on its own. An event with no key is `needs_review`: it still becomes a
// contact, flagged, and is never dropped.
#pragma once

#include "core/lead_event.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace lg::core {

struct email_identity {
  std::string address;    // as stored (normalized, not folded)
  std::string match_key;  // email_match_key(address)
};

struct identity {
  std::vector<std::string> keys;           // every identity key, deduplicated, bounded
  std::vector<std::string> phones;         // E.164 values behind the phone: keys
  std::vector<email_identity> emails;      // addresses behind the email: keys
  std::vector<std::string> channel_keys;   // zalo:, fb:, fblead:, ext: keys
  std::string folded_name;                 // fold_text(full_name); may be empty
  // The name is a chat profile's display name (Zalo, Messenger): as often a nickname or a
  // parent's own name as the learner's, so it names a contact only until a real name comes
  // and never makes a household learner.
  bool display_name = false;
  bool needs_review = false;               // no key at all
};

// Bounds: an event carries at most this many keys (the rest are ignored: a person does not
// have 17 phones, a payload that says so is noise) and an id longer than this is not an id.
inline constexpr std::size_t max_identity_keys = 16;
inline constexpr std::size_t max_id_length = 128;

identity identity_of(const lead_event& e);

// Email keys are weak: an office mailbox is shared by people who are not one person, so a
// match by email alone is checked against the name and phones before it joins contacts.
bool is_weak_key(std::string_view key) noexcept;

}  // namespace lg::core
