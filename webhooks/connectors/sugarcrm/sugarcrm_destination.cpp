// See sugarcrm_destination.hpp.
#include "webhooks/connectors/sugarcrm/sugarcrm_destination.hpp"

namespace lg::webhooks::sugarcrm {

destination_parts make_destination(asio::any_io_executor executor, std::shared_ptr<store::redis_client> redis,
                                   options o, poller::clock_fn clock) {
  destination_parts p;
  const bool two_way = o.two_way;
  p.session = std::make_shared<client>(std::move(executor), std::move(o));
  p.push = std::make_unique<connector>(p.session, redis);
  if (two_way) p.pull = poller::create(p.session, std::move(redis), std::move(clock));
  return p;
}

}  // namespace lg::webhooks::sugarcrm
