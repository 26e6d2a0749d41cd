-- Lead assignment, atomically (store/assignments.hpp is its caller). One script with several
-- operations that share the same helpers, so every step that changes who owns a lead (assign,
-- drain of a backlog, claim, SLA re-assignment or escalation, release, accept) writes its whole
-- effect in one call: the assignment record, the member's open set, the contact's owner/team,
-- a timeline entry, the team queue stream and the outbox. Redis runs a script alone, so two
-- processes assigning at the same moment can never give one lead twice or pass a capacity.
--
-- KEYS[1] lg:{t}:teams (SET of seeded team ids). Every other key of the tenant is derived from
-- ARGV[1], the tenant prefix lg:{t}:, and shares the {t} slot:
--   tm:<team>            HASH  m (JSON array of member ids, in order), fb (fallback team),
--                              rr (index of the member picked last, round robin cursor)
--   mb:<team>:<member>   HASH  n name, crm CRM user id, w weight, cap capacity (0: none),
--                              st active|away, h working hours (see on_duty), cw smooth WRR weight
--   open:<team>:<member> SET   event ids of the member's open leads (its load)
--   backlog:<team>       ZSET  event ids waiting for capacity, score = time queued (ms)
--   claim:<team>         ZSET  event ids waiting for a member to claim them, score = time queued
--   asg:<event id>       HASH  the assignment record (see save)
--   sla                  ZSET  event ids of unaccepted assignments, score = SLA due time (ms)
--   q:<team>             STREAM the team's queue of assignment events (MAXLEN ~)
--   outbox               STREAM changes for the sync side (lead given: kind + CRM user; status
--                              accepted/closed: type lead.status_changed); never trimmed here (the fan-out
--                              trims what it copied): a full outbox refuses (OUTBOX_FULL)
--   ld:<lead id>         STRING the event id of the lead's assignment record
--   c:<contact>, tl:<contact>, alias:<contact>  the contact (owner 'o', team 't'), its timeline
-- ARGV[2] operation; ARGV[3] now (epoch ms); ARGV[4] minute of the local day; ARGV[5] ISO
-- weekday (1 = Monday) in the tenant's zone; ARGV[6] team queue MAXLEN; ARGV[7] outbox limit;
-- ARGV[8] timeline cap; ARGV[9] TTL (s) of a closed assignment record; ARGV[10] the operation's
-- arguments as JSON.

local teams_key = KEYS[1]
local pfx = ARGV[1]
local op = ARGV[2]
local now = tonumber(ARGV[3])
local mod = tonumber(ARGV[4])    -- minute of the local day
local wday = tonumber(ARGV[5])   -- ISO weekday, 1 = Monday
local qmax = ARGV[6]             -- team queue MAXLEN
local omax = ARGV[7]             -- outbox limit
local tlcap = tonumber(ARGV[8])  -- timeline cap
local ttl = tonumber(ARGV[9])    -- closed record TTL (s)
local p = cjson.decode(ARGV[10])
local now_s = math.floor(now / 1000)

--#include "lib/outbox_guard.lua"
--#include "lib/alias.lua"

local function tkey(team) return pfx .. 'tm:' .. team end
local function mkey(team, m) return pfx .. 'mb:' .. team .. ':' .. m end
local function okey(team, m) return pfx .. 'open:' .. team .. ':' .. m end
local function bkey(team) return pfx .. 'backlog:' .. team end
local function clkey(team) return pfx .. 'claim:' .. team end
local function qkey(team) return pfx .. 'q:' .. team end
local function akey(ev) return pfx .. 'asg:' .. ev end
local function ckey(id) return pfx .. 'c:' .. id end
local sla_key = pfx .. 'sla'
local outbox_key = pfx .. 'outbox'

-- Working hours h: '' = always; else 7 days (Monday first) separated by ';', each a comma list
-- of 'from-to' minutes, [from, to), to < from crossing midnight. Same test as routing::on_duty.
local function on_duty(h)
  if h == nil or h == '' then return true end
  local days = {}
  for seg in string.gmatch(h .. ';', '([^;]*);') do days[#days + 1] = seg end
  for f, t in string.gmatch(days[wday] or '', '(%d+)-(%d+)') do
    f, t = tonumber(f), tonumber(t)
    if f < t then
      if mod >= f and mod < t then return true end
    elseif mod >= f then
      return true
    end
  end
  local yesterday = (wday + 5) % 7 + 1
  for f, t in string.gmatch(days[yesterday] or '', '(%d+)-(%d+)') do
    f, t = tonumber(f), tonumber(t)
    if t < f and mod < t then return true end
  end
  return false
end

-- A team that was never seeded (or was removed) has no members: its leads wait in its backlog,
-- visible to admins, rather than being dropped.
local function load_team(team)
  local h = redis.call('HMGET', tkey(team), 'm', 'fb', 'rr')
  local ids = {}
  if h[1] then ids = cjson.decode(h[1]) end
  return {id = team, ids = ids, fb = h[2] or '', rr = tonumber(h[3]) or 0}
end

local function load_member(team, id)
  local h = redis.call('HMGET', mkey(team, id), 'n', 'crm', 'w', 'cap', 'st', 'h', 'cw')
  if not h[5] then return nil end
  return {id = id, n = h[1] or '', crm = h[2] or '', w = tonumber(h[3]) or 1,
          cap = tonumber(h[4]) or 0, st = h[5], h = h[6] or '', cw = tonumber(h[7]) or 0,
          load = redis.call('SCARD', okey(team, id))}
end

local function available(m)
  return m ~= nil and m.st == 'active' and on_duty(m.h) and (m.cap <= 0 or m.load < m.cap)
end

local function candidates(t, exclude)
  local out = {}
  for i, id in ipairs(t.ids) do
    if not exclude[id] then
      local m = load_member(t.id, id)
      if available(m) then
        m.idx = i
        out[#out + 1] = m
      end
    end
  end
  return out
end

-- rr: the first available member after the cursor. ll: the fewest open leads, ties by the same
-- rotation. wrr: smooth weighted round robin over the available members (every candidate's
-- current weight grows by its weight, the largest wins and gives back the total), which spreads
-- a 1:1:2:3:3 team exactly in proportion and interleaved.
local function pick(t, strat, exclude)
  local c = candidates(t, exclude or {})
  if #c == 0 then return nil end
  if strat == 'wrr' then
    local total, best = 0, nil
    for _, m in ipairs(c) do
      m.cw = m.cw + m.w
      total = total + m.w
      if best == nil or m.cw > best.cw then best = m end
    end
    best.cw = best.cw - total
    for _, m in ipairs(c) do redis.call('HSET', mkey(t.id, m.id), 'cw', m.cw) end
    return best
  end
  local n = #t.ids
  local function dist(m) return (m.idx - t.rr - 1) % n end
  local best = nil
  for _, m in ipairs(c) do
    if best == nil then
      best = m
    elseif strat == 'll' and m.load ~= best.load then
      if m.load < best.load then best = m end
    elseif dist(m) < dist(best) then
      best = m
    end
  end
  redis.call('HSET', tkey(t.id), 'rr', best.idx)
  t.rr = best.idx
  return best
end

-- Aliases always point to a lower id, so the chain ends; the bound guards a damaged store.
local function canonical(id)
  if id == '' then return id end
  return follow_alias(pfx, id)
end

local function timeline(cid, entry)
  if cid == '' then return end
  local tl = pfx .. 'tl:' .. cid
  redis.call('LPUSH', tl, cjson.encode(entry))
  redis.call('LTRIM', tl, 0, tlcap - 1)
end

local function queue_event(team, a, kind, extra)
  local args = {'XADD', qkey(team), 'MAXLEN', '~', qmax, '*', 'kind', kind, 'event', a.ev,
                'lead', a.lead, 'contact', a.c, 'member', a.m}
  for i = 1, #(extra or {}) do args[#args + 1] = extra[i] end
  redis.call(unpack(args))
end

-- The assignment record lg:{t}:asg:<event id>: ev, lead, c (contact), team, m (member), crm,
-- st (assigned|accepted|backlog|waiting|closed|missed), strat, sla (minutes), due (ms, 0: none),
-- prio, rule, at (first seen, ms), tried (JSON ids already given the lead in this team),
-- esc (1 once escalated), sticky (1 when given to the returning contact's owner).
local function load_asg(ev)
  local flat = redis.call('HGETALL', akey(ev))
  if #flat == 0 then return nil end
  local a = {}
  for i = 1, #flat, 2 do a[flat[i]] = flat[i + 1] end
  a.sla = tonumber(a.sla) or 0
  a.due = tonumber(a.due) or 0
  a.at = tonumber(a.at) or now
  a.esc = tonumber(a.esc) or 0
  a.sticky = tonumber(a.sticky) or 0
  a.tried = cjson.decode(a.tried or '[]')
  return a
end

local function save(a)
  local k = akey(a.ev)
  redis.call('HSET', k, 'ev', a.ev, 'lead', a.lead, 'c', a.c, 'team', a.team, 'm', a.m,
             'crm', a.crm, 'st', a.st, 'strat', a.strat, 'sla', a.sla, 'due', a.due,
             'prio', a.prio, 'rule', a.rule, 'at', a.at, 'tried', cjson.encode(a.tried),
             'esc', a.esc, 'sticky', a.sticky)
  -- Open records stay (a lead waiting for weeks must not vanish); closed ones expire.
  if a.st == 'closed' then redis.call('EXPIRE', k, ttl) else redis.call('PERSIST', k) end
  -- The lead id agents and the CRM know, to the event id records are kept under.
  if a.lead ~= '' then
    local lk = pfx .. 'ld:' .. a.lead
    redis.call('SET', lk, a.ev)
    if a.st == 'closed' then redis.call('EXPIRE', lk, ttl) end
  end
end

local function reply(a, dup)
  return {a.st, a.team, a.m, a.crm, dup, a.sticky, tostring(a.due), a.ev, a.lead}
end

local function touch_contact(a, fields)
  local cid = canonical(a.c)
  a.c = cid
  if cid ~= '' and redis.call('EXISTS', ckey(cid)) == 1 then
    redis.call('HSET', ckey(cid), unpack(fields))
  end
  return cid
end

-- Gives lead `a` to member `m` of team `t`: open set, SLA clock, contact owner and team,
-- timeline, team queue and outbox, record.
local function give(a, t, m, kind, extra_tl)
  redis.call('SADD', okey(t.id, m.id), a.ev)
  redis.call('ZREM', bkey(t.id), a.ev)
  redis.call('ZREM', clkey(t.id), a.ev)
  if a.team ~= t.id then a.tried = {} end
  a.team, a.m, a.crm, a.st = t.id, m.id, m.crm, 'assigned'
  a.tried[#a.tried + 1] = m.id
  a.due = 0
  if a.sla > 0 then
    a.due = now + a.sla * 60000
    redis.call('ZADD', sla_key, a.due, a.ev)
  end
  local cid = touch_contact(a, {'o', m.id, 't', t.id})
  local e = {k = kind, lead = a.lead, team = t.id, m = m.id, at = now_s, strat = a.strat}
  if a.rule ~= '' then e.rule = a.rule end
  if a.due > 0 then e.due = math.floor(a.due / 1000) end
  if a.sticky == 1 then e.sticky = 1 end
  for f, v in pairs(extra_tl or {}) do e[f] = v end
  timeline(cid, e)
  queue_event(t.id, a, kind, {'crm', m.crm})
  redis.call('XADD', outbox_key, '*', 'kind', kind, 'event', a.ev,
             'lead_id', a.lead, 'contact_id', cid, 'assigned_user_id', m.crm, 'team_id', t.id,
             'member_id', m.id)
  save(a)
end

-- The lead's status changed (accepted, closed): one outbox entry, type lead.status_changed.
local function status_changed(a, status, member, reason)
  redis.call('XADD', outbox_key, '*', 'type', 'lead.status_changed', 'status', status, 'event', a.ev,
             'lead_id', a.lead or '', 'contact_id', a.c or '', 'team_id', a.team or '', 'member_id', member or '',
             'reason', reason or '')
end

-- Puts lead `a` in team `t`'s backlog (or claim queue), oldest first by when it was first seen.
local function wait(a, t, kind, extra_tl)
  local claim = a.strat == 'claim'
  redis.call('ZADD', claim and clkey(t.id) or bkey(t.id), a.at, a.ev)
  if a.team ~= t.id then a.tried = {} end
  a.team, a.m, a.crm, a.st, a.due = t.id, '', '', claim and 'waiting' or 'backlog', 0
  -- The contact's team changes only when it has no owner: an owner stays with its team.
  local cid = canonical(a.c)
  a.c = cid
  if cid ~= '' and redis.call('EXISTS', ckey(cid)) == 1 then
    local o = redis.call('HGET', ckey(cid), 'o')
    if not o or o == '' then redis.call('HSET', ckey(cid), 't', t.id) end
  end
  local e = {k = kind, lead = a.lead, team = t.id, at = now_s, strat = a.strat}
  for f, v in pairs(extra_tl or {}) do e[f] = v end
  timeline(cid, e)
  queue_event(t.id, a, kind)
  save(a)
end

-- Assigns the oldest waiting leads of a team while a member has room (strictly oldest first:
-- when the head cannot be placed, nothing behind it is).
local function drain(team, limit)
  local t = load_team(team)
  local out = {}
  for _ = 1, limit * 2 do
    if #out >= limit then break end
    local head = redis.call('ZRANGE', bkey(team), 0, 0)
    if #head == 0 then break end
    local a = load_asg(head[1])
    if a == nil or a.st ~= 'backlog' or a.team ~= team then
      redis.call('ZREM', bkey(team), head[1])  -- stale entry
    else
      local m = pick(t, a.strat, nil)
      if m == nil then break end
      give(a, t, m, 'assign', {from_backlog = 1})
      out[#out + 1] = reply(a, 0)
    end
  end
  return out
end

local drain_limit = 100

-- The operations. Each takes `p`, the operation's arguments; those that may hand out a lead or
-- change its status write the outbox, and are refused while it is full (outbox_guard).
local ops, writes_outbox = {}, {assign = true, release = true, accept = true, claim = true, sweep = true,
                                state = true, duty = true}

ops.assign = function(p)
  -- p: ev, lead, c, team, strat (rr|wrr|ll|claim), sticky (0|1), sla, prio, rule
  local prev = load_asg(p.ev)
  if prev then return reply(prev, 1) end
  local a = {ev = p.ev, lead = p.lead, c = p.c, team = '', m = '', crm = '', st = '',
             strat = p.strat, sla = tonumber(p.sla) or 0, due = 0, prio = p.prio or 'normal',
             rule = p.rule or '', at = now, tried = {}, esc = 0, sticky = 0}
  if tonumber(p.sticky) == 1 and a.c ~= '' then
    local cid = canonical(a.c)
    local h = redis.call('HMGET', ckey(cid), 'o', 't')
    if h[1] and h[1] ~= '' and h[2] and h[2] ~= '' then
      local m = load_member(h[2], h[1])
      if available(m) then
        a.sticky = 1
        give(a, load_team(h[2]), m, 'assign')
        return reply(a, 0)
      end
    end
  end
  local t = load_team(p.team)
  if a.strat == 'claim' then
    wait(a, t, 'queued')
    return reply(a, 0)
  end
  local m = pick(t, a.strat, nil)
  if m then give(a, t, m, 'assign') else wait(a, t, 'queued') end
  return reply(a, 0)
end

ops.release = function(p)
  -- p: ev, reason, m (optional: only when the lead is still this member's, checked here so an
  -- SLA re-assignment between an agent's read and this call cannot close another's lead).
  -- Closes the lead; the capacity it held goes to the team's backlog.
  local a = load_asg(p.ev)
  if a == nil then return {'unknown', {}} end
  if p.m and p.m ~= '' and a.m ~= p.m then return {'not_owner', {}} end
  if a.st == 'closed' then return {'closed', {}} end
  if a.m ~= '' then redis.call('SREM', okey(a.team, a.m), a.ev) end
  redis.call('ZREM', sla_key, a.ev)
  redis.call('ZREM', bkey(a.team), a.ev)
  redis.call('ZREM', clkey(a.team), a.ev)
  local prev_member = a.m
  a.st, a.due = 'closed', 0
  local cid = canonical(a.c)
  a.c = cid
  timeline(cid, {k = 'release', lead = a.lead, team = a.team, m = prev_member, at = now_s,
                 reason = p.reason or ''})
  queue_event(a.team, a, 'released', {'reason', p.reason or ''})
  status_changed(a, 'closed', prev_member, p.reason)
  save(a)
  return {'released', drain(a.team, drain_limit)}
end

ops.accept = function(p)
  -- p: ev, m. The member takes the lead: the SLA clock stops.
  local a = load_asg(p.ev)
  if a == nil then return {'unknown'} end
  if a.m ~= p.m then return {'not_owner'} end
  if a.st == 'accepted' then return {'accepted'} end
  if a.st ~= 'assigned' and a.st ~= 'missed' then return {a.st} end
  redis.call('ZREM', sla_key, a.ev)
  a.st, a.due = 'accepted', 0
  local cid = canonical(a.c)
  a.c = cid
  timeline(cid, {k = 'accept', lead = a.lead, team = a.team, m = a.m, at = now_s})
  queue_event(a.team, a, 'accepted')
  status_changed(a, 'accepted', a.m)
  save(a)
  return {'accepted'}
end

ops.claim = function(p)
  -- p: team, m. The member pulls the oldest lead of the claim queue or the backlog.
  local t = load_team(p.team)
  local member_known = false
  for _, id in ipairs(t.ids) do if id == p.m then member_known = true end end
  local m = member_known and load_member(p.team, p.m) or nil
  if m == nil then return {'unknown_member'} end
  if not available(m) then return {'unavailable'} end
  for _ = 1, 64 do
    local c1 = redis.call('ZRANGE', clkey(p.team), 0, 0, 'WITHSCORES')
    local c2 = redis.call('ZRANGE', bkey(p.team), 0, 0, 'WITHSCORES')
    local key, ev
    if #c1 > 0 and (#c2 == 0 or tonumber(c1[2]) <= tonumber(c2[2])) then
      key, ev = clkey(p.team), c1[1]
    elseif #c2 > 0 then
      key, ev = bkey(p.team), c2[1]
    else
      return {'empty'}
    end
    local a = load_asg(ev)
    if a ~= nil and (a.st == 'waiting' or a.st == 'backlog') and a.team == p.team then
      give(a, t, m, 'claim')
      return {'claimed', reply(a, 0)}
    end
    redis.call('ZREM', key, ev)  -- stale entry
  end
  return {'empty'}
end

ops.sweep = function(p)
  -- p: limit. Overdue unaccepted leads go to the next member who has not had them, else to the
  -- fallback team (once), else stay with their member marked missed. Then backlogs drain (a
  -- member may have come on duty since).
  local limit = tonumber(p.limit) or 100
  local reassigned, escalated, missed, drained = 0, 0, 0, 0
  local due = redis.call('ZRANGEBYSCORE', sla_key, '-inf', now, 'LIMIT', 0, limit)
  for _, ev in ipairs(due) do
    redis.call('ZREM', sla_key, ev)
    local a = load_asg(ev)
    if a ~= nil and a.st == 'assigned' then
      local prev_member, prev_team = a.m, a.team
      redis.call('SREM', okey(a.team, a.m), ev)
      local t = load_team(a.team)
      local ex = {}
      for _, id in ipairs(a.tried) do ex[id] = true end
      local strat = a.strat == 'claim' and 'rr' or a.strat
      local m = pick(t, strat, ex)
      if m then
        give(a, t, m, 'reassign', {from = prev_member, reason = 'sla'})
        reassigned = reassigned + 1
      elseif t.fb ~= '' and a.esc == 0 then
        local ft = load_team(t.fb)
        a.esc = 1
        local m2 = pick(ft, strat, nil)
        local extra = {from = prev_member, from_team = prev_team, reason = 'sla'}
        if m2 then give(a, ft, m2, 'escalate', extra) else wait(a, ft, 'escalate', extra) end
        escalated = escalated + 1
      else
        redis.call('SADD', okey(a.team, a.m), ev)
        a.st, a.due = 'missed', 0
        local cid = canonical(a.c)
        a.c = cid
        timeline(cid, {k = 'sla_missed', lead = a.lead, team = a.team, m = a.m, at = now_s})
        queue_event(a.team, a, 'sla_missed')
        save(a)
        missed = missed + 1
      end
    end
  end
  for _, team in ipairs(redis.call('SMEMBERS', teams_key)) do
    drained = drained + #drain(team, limit)
  end
  return {reassigned, escalated, missed, drained}
end

ops.state = function(p)
  -- p: team, m, st (active|away). Coming back active drains the team's backlog.
  if redis.call('EXISTS', mkey(p.team, p.m)) == 0 then return {'unknown', {}} end
  redis.call('HSET', mkey(p.team, p.m), 'st', p.st)
  if p.st == 'active' then return {'ok', drain(p.team, drain_limit)} end
  return {'ok', {}}
end

ops.duty = function(p)
  -- p: team. The members that could take a lead now (active, on duty, below capacity).
  local out = {}
  for _, m in ipairs(candidates(load_team(p.team), {})) do out[#out + 1] = m.id end
  return out
end

ops.seed = function(p)
  -- p: team, fb, overwrite (0|1), members [{id, n, crm, w, cap, st, h}]. Keeps the runtime
  -- state that is not configuration: open sets, WRR weights, the round robin cursor.
  if tonumber(p.overwrite) ~= 1 and redis.call('EXISTS', tkey(p.team)) == 1 then return 'kept' end
  local old = load_team(p.team)
  local ids, keep = {}, {}
  for _, m in ipairs(p.members) do
    ids[#ids + 1] = m.id
    keep[m.id] = true
    redis.call('HSET', mkey(p.team, m.id), 'n', m.n, 'crm', m.crm, 'w', m.w, 'cap', m.cap,
               'st', m.st, 'h', m.h)
  end
  for _, id in ipairs(old.ids) do
    if not keep[id] then redis.call('DEL', mkey(p.team, id)) end
  end
  redis.call('HSET', tkey(p.team), 'm', cjson.encode(ids), 'fb', p.fb)
  redis.call('SADD', teams_key, p.team)
  return 'seeded'
end

ops.drop = function(p)
  -- p: team. Removes a team (admin delete) only while none of its leads is waiting or open, so
  -- no lead is ever orphaned: {'busy', n leads} otherwise; {'dropped', 0} when done.
  local t = load_team(p.team)
  local busy = redis.call('ZCARD', bkey(p.team)) + redis.call('ZCARD', clkey(p.team))
  for _, id in ipairs(t.ids) do busy = busy + redis.call('SCARD', okey(p.team, id)) end
  if busy > 0 then return {'busy', busy} end
  for _, id in ipairs(t.ids) do redis.call('DEL', mkey(p.team, id)) end
  redis.call('DEL', tkey(p.team))
  redis.call('SREM', teams_key, p.team)
  return {'dropped', 0}
end

local run = ops[op]
if not run then return redis.error_reply('ERR assign.lua: unknown operation ' .. tostring(op)) end
if writes_outbox[op] then
  local full = outbox_full(pfx, omax)
  if full then return full end
end
return run(p)
