-- A lease in Redis: one holder at a time for a piece of work that must not run twice at once
-- (store/lease.hpp; the delivery of one destination, the outbox fan-out). The value is the
-- holder's token; the TTL ends a crashed holder's lease, so another process takes over.
--
-- KEYS[1] lg:{t}:lease:<name>
-- ARGV[1] op: hold | release; ARGV[2] token; ARGV[3] TTL (ms, hold only)
-- hold    -> 1 when the caller holds the lease now (newly taken or renewed), else 0
-- release -> 1 when the caller's lease was deleted, 0 when another holder has it
local key, op, token, ttl_ms = KEYS[1], ARGV[1], ARGV[2], ARGV[3]
local cur = redis.call('GET', key)
if op == 'hold' then
  if cur == token then
    redis.call('PEXPIRE', key, ttl_ms)
    return 1
  end
  if cur then return 0 end
  redis.call('SET', key, token, 'PX', ttl_ms)
  return 1
elseif op == 'release' then
  if cur == token then
    redis.call('DEL', key)
    return 1
  end
  return 0
end
return redis.error_reply('lease: unknown op ' .. tostring(op))
