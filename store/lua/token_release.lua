-- Releases a token lease if this owner still holds it (store/tokens.hpp).
-- KEYS[1] lg:{t}:toklease:<name>; ARGV[1] owner. Returns 1 when released.
local owner = ARGV[1]
if redis.call('GET', KEYS[1]) == owner then return redis.call('DEL', KEYS[1]) end
return 0
