-- One rule-set write of the admin API (store/rule_store.hpp), atomically: compare-and-set on
-- the version, the new current set, its history entry (older ones beyond the cap removed), the
-- audit entry, and the change notice to every gateway process.
--
-- KEYS[1] lg:{t}:rules       HASH v (version), json (the set), by (author), at (epoch ms)
-- KEYS[2] lg:{t}:rules:hist  HASH <v> the set of version v, <v>:by, <v>:at
-- KEYS[3] lg:{t}:audit       STREAM
-- ARGV[1] expected current version (0: none yet); ARGV[2] the set as JSON; ARGV[3] author;
-- ARGV[4] now (epoch ms); ARGV[5] versions kept in the history; ARGV[6] audit action;
-- ARGV[7] audit detail (JSON); ARGV[8] audit MAXLEN ~; ARGV[9] the pub/sub channel.
-- Returns {'ok', new version} or {'conflict', current version}.

local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if cur ~= tonumber(ARGV[1]) then return {'conflict', cur} end
local v = cur + 1
local vs = tostring(v)
redis.call('HSET', KEYS[1], 'v', vs, 'json', ARGV[2], 'by', ARGV[3], 'at', ARGV[4])
redis.call('HSET', KEYS[2], vs, ARGV[2], vs .. ':by', ARGV[3], vs .. ':at', ARGV[4])
local old = v - tonumber(ARGV[5])
if old > 0 then
  local os = tostring(old)
  redis.call('HDEL', KEYS[2], os, os .. ':by', os .. ':at')
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[8], '*', 'at', ARGV[4], 'actor', ARGV[3], 'action', ARGV[6],
           'target', 'rules', 'version', vs, 'detail', ARGV[7])
redis.call('PUBLISH', ARGV[9], vs)
return {'ok', v}
