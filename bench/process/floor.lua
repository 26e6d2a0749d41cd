-- The floor of identity resolution on a given machine: a skeleton of store/lua/resolve.lua
-- that makes only the Redis accesses one lead event cannot avoid, and nothing else. It reads
-- the same KEYS and ARGV as resolve.lua and answers in the same shape, so the real worker and
-- lg_process_bench drive it unchanged. It is NOT a resolver: no merges, no aliases, no email
-- check against the name, no households, no per-value provenance (no msgpack), no timeline
-- JSON, no outbox length check or contact.updated entries, no done-marker answer to replay.
--
-- Per event: the done-marker GET, one HGET per identity key; a new person: INCR, one HSET per
-- identity, the contact HSET (fields as plain strings), the names ZADD, the outbox XADD; a
-- returning one: the contact HGETALL, a timeline LPUSH, an HSET of `ua`; then the marker SET.
--
-- Use (bench/README.md, "The floor of this machine"): in a scratch copy of the tree,
-- `cp bench/process/floor.lua store/lua/resolve.lua`, build lg_process_bench (Release) and run
-- it as scripts/bench process does. The product never loads this file.

local done_key, seq_key, names_key = KEYS[1], KEYS[2], KEYS[3]
local pfx = ARGV[1]
local prev = redis.call('GET', done_key)
if prev then return {'c_1', 1, '', '', 1, '', '', 0} end
local nk, np, ne = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local kb = 23
local found = nil
for i = 1, nk do
  local v = redis.call('HGET', KEYS[3 + i], ARGV[kb + i])
  if v then found = v end
end
local id, created
if not found then
  local n = redis.call('INCR', seq_key)
  id = 'c_' .. n
  for i = 1, nk do redis.call('HSET', KEYS[3 + i], ARGV[kb + i], n) end
  redis.call('HSET', pfx .. 'c:' .. id, 'n', ARGV[10], 'f', ARGV[11], 'p', ARGV[kb + nk + 1] or '',
             'ca', ARGV[14], 'ua', ARGV[14], 'h', ARGV[14] .. ARGV[13] .. ARGV[12], 'hl', ARGV[15], 't', ARGV[20])
  redis.call('ZADD', names_key, 0, ARGV[11] .. '\0' .. id)
  redis.call('XADD', pfx .. 'outbox', '*', 'type', 'contact.created', 'contact_id', id)
  created = 1
else
  id = 'c_' .. found
  local h = redis.call('HGETALL', pfx .. 'c:' .. id)
  redis.call('LPUSH', pfx .. 'tl:' .. id, ARGV[14] .. ARGV[13] .. ARGV[12] .. ARGV[15])
  redis.call('HSET', pfx .. 'c:' .. id, 'ua', ARGV[14])
  created = 0
end
redis.call('SET', done_key, id, 'EX', ARGV[2])
return {id, 1 - created, '', ARGV[20], 0, '', '', created}
