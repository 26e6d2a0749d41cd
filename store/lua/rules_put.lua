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

local expected, set_json, author, now_ms = tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4]
local keep, action, detail, audit_max, channel = tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8], ARGV[9]
local cur = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if cur ~= expected then return {'conflict', cur} end
local v = cur + 1
local vs = tostring(v)
redis.call('HSET', KEYS[1], 'v', vs, 'json', set_json, 'by', author, 'at', now_ms)
redis.call('HSET', KEYS[2], vs, set_json, vs .. ':by', author, vs .. ':at', now_ms)
local old = v - keep
if old > 0 then
  local os = tostring(old)
  redis.call('HDEL', KEYS[2], os, os .. ':by', os .. ':at')
end
redis.call('XADD', KEYS[3], 'MAXLEN', '~', audit_max, '*', 'at', now_ms, 'actor', author, 'action', action,
           'target', 'rules', 'version', vs, 'detail', detail)
redis.call('PUBLISH', channel, vs)
return {'ok', v}
