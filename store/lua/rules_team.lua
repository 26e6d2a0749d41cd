-- A team definition change of the admin API (store/rule_store.hpp) with its audit entry, in
-- one call. The assignment engine's own copy (tm:/mb: hashes) is written by assign.lua first.
--
-- KEYS[1] lg:{t}:teamdefs  HASH team id -> the team's JSON as the admin API shows it
-- KEYS[2] lg:{t}:audit     STREAM
-- ARGV[1] put|del|seed; ARGV[2] team id; ARGV[3] team JSON (put); ARGV[4] actor; ARGV[5] now (ms);
-- ARGV[6] audit action; ARGV[7] audit detail (JSON); ARGV[8] audit MAXLEN ~.
-- ARGV[9] (seed) the field that marks the definitions as seeded.
-- Returns 1 when something changed (a del of an unknown team returns 0 and audits nothing).
-- seed writes the team only while the definitions are not marked seeded and it is not there
-- yet, so processes that start together seed once, and a team an admin deleted stays deleted.

local op, team, team_json, actor, now_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local action, detail, audit_max, seeded_field = ARGV[6], ARGV[7], ARGV[8], ARGV[9]
if op == 'seed' then
  if redis.call('HEXISTS', KEYS[1], seeded_field) == 1 then return 0 end
  if redis.call('HSETNX', KEYS[1], team, team_json) == 0 then return 0 end
elseif op == 'del' then
  if redis.call('HDEL', KEYS[1], team) == 0 then return 0 end
else
  redis.call('HSET', KEYS[1], team, team_json)
end
redis.call('XADD', KEYS[2], 'MAXLEN', '~', audit_max, '*', 'at', now_ms, 'actor', actor, 'action', action,
           'target', 'team:' .. team, 'version', '', 'detail', detail)
return 1
