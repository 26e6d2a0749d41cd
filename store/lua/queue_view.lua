-- The queues view of the admin API (store/queues.hpp): for each seeded team, in id order and at
-- most ARGV[2] teams, its backlog and claim queue (depth, oldest entry), its queue stream length
-- and up to ARGV[3] members with their settings and open leads. Read-only; one call, so the
-- figures of one team are a consistent snapshot.
--
-- KEYS[1] lg:{t}:teams. ARGV[1] the tenant prefix lg:{t}: (the key names are assign.lua's).
-- Returns a JSON string (see store/queues.cpp for the fields).

local pfx = ARGV[1]
local max_teams, max_members = tonumber(ARGV[2]), tonumber(ARGV[3])

local ids = redis.call('SMEMBERS', KEYS[1])
table.sort(ids)

local function oldest(key)
  local r = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  if #r == 0 then return -1 end
  return tonumber(r[2])
end

local teams = {}
for i = 1, math.min(#ids, max_teams) do
  local id = ids[i]
  local h = redis.call('HMGET', pfx .. 'tm:' .. id, 'm', 'fb')
  local mids = {}
  if h[1] then mids = cjson.decode(h[1]) end
  local members = {}
  for j = 1, math.min(#mids, max_members) do
    local mid = mids[j]
    local m = redis.call('HMGET', pfx .. 'mb:' .. id .. ':' .. mid, 'n', 'crm', 'w', 'cap', 'st', 'h')
    members[#members + 1] = {id = mid, n = m[1] or '', crm = m[2] or '', w = tonumber(m[3]) or 1,
                             cap = tonumber(m[4]) or 0, st = m[5] or 'unknown', h = m[6] or '',
                             open = redis.call('SCARD', pfx .. 'open:' .. id .. ':' .. mid)}
  end
  teams[#teams + 1] = {
    id = id, fb = h[2] or '',
    backlog = redis.call('ZCARD', pfx .. 'backlog:' .. id),
    backlog_oldest = oldest(pfx .. 'backlog:' .. id),
    claim = redis.call('ZCARD', pfx .. 'claim:' .. id),
    claim_oldest = oldest(pfx .. 'claim:' .. id),
    qlen = redis.call('XLEN', pfx .. 'q:' .. id),
    members_total = #mids,
    members = members}
end
return cjson.encode({teams_total = #ids, teams = teams})
