// The factory of the `sugarcrm` destination type: one logged-in session shared by the push
// connector (the delivery engine's) and, for direction two_way, the pull poller.
#pragma once

#include "webhooks/connectors/sugarcrm/sugarcrm_connector.hpp"
#include "webhooks/connectors/sugarcrm/sugarcrm_poller.hpp"

#include <memory>

namespace lg::webhooks::sugarcrm {

struct destination_parts {
  std::shared_ptr<client> session;
  std::unique_ptr<webhooks::connector> push;
  std::shared_ptr<poller> pull;  // null unless o.two_way
};

destination_parts make_destination(asio::any_io_executor executor, std::shared_ptr<store::redis_client> redis,
                                   options o, poller::clock_fn clock);

}  // namespace lg::webhooks::sugarcrm
