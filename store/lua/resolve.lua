-- Identity resolution of one lead event, atomically (store/contacts.hpp is its caller).
-- Looks every identity key up; none -> creates a contact; one -> attaches; several -> merges
-- them into the oldest (lowest c_<n>), leaving aliases that still resolve. Then applies the
-- event (unions of phones/emails/ids with provenance, scalar fields by channel priority,
-- household learners), records a timeline touch, and writes a done marker so a redelivered
-- event has no second effect. Because Redis runs a script alone, two workers resolving two
-- events of one person at the same moment end with one contact.
--
-- KEYS[1] lg:{t}:done:<event_id>   KEYS[2] lg:{t}:seq:contact   KEYS[3] lg:{t}:names
-- KEYS[3+i] lg:{t}:kx:<bucket of identity i> (store::identity_bucket); other keys of the
-- tenant (c:, alias:, tl:, kx: of a merged contact's keys) are derived from ARGV[1], the
-- tenant prefix, and share the {t} slot.
-- ARGV (flat, no JSON to decode): 1 prefix, 2 done TTL (s), 3 timeline cap, 4 list cap,
--   5 the longest value a hash field may hold and stay listpack-encoded, 6 bucket count,
--   7 K identity keys, 8 P phones, 9 E emails, 10 name, 11 folded name, 12 source,
--   13 channel, 14 at (epoch s), 15 lead id, 16 campaign, 17 message, 18 city, 19 address,
--   20 default team, 21 channel priority (comma list, earlier wins), 22 outbox limit,
--   23 '1' when the name is a chat profile's display name (core::identity::display_name),
--   24 the phones a provider reported that the phone metadata does not know (space-separated,
--   core::normalize_reported_phone), then K identity keys, P phones (E.164), E pairs (address as given, match key).
-- Outbox (lg:{t}:outbox, the sync side): one entry type=contact.created for a new contact,
-- type=contact.updated when a field a destination may hold changed or contacts merged (a new
-- timeline touch alone is not a change). A full outbox (ARGV[22]) refuses the event before any
-- write with OUTBOX_FULL; the worker retries it later.
-- Returns {contact id, returning 0|1, owner, team, duplicate 0|1, merged ids (comma list),
--          learner name, created 0|1}. A redelivered event (done marker present) gets its first
--          run's answer again with duplicate = 1, so the routing stage sees the same contact.
--
-- Identity index: HSET lg:{t}:kx:<bucket> <identity key> <n> (contact c_<n>), small hashes
-- Redis keeps as listpacks. Contact hash lg:{t}:c:<id>, small fields (see store/KEYS.md):
--   n name, f folded name, np msgpack[src, at, ch, 1 if a display name] of the name,
--   p msgpack[[e164, src, at, 1 if unverified]], e msgpack[[address, src, at, match key if different]],
--   i msgpack[[key, src, at]],
--   l msgpack[[learner name, folded, src, at]], x msgpack{city|addr = [v, src, at, ch]},
--   o owner, t team, r "1" when it had no key (needs review), ca/ua created/updated (epoch s),
--   h/hl/hm the first timeline touch while it is the only one: msgpack[at, ch, src, cmp,
--   learner, review], lead id, message. The list lg:{t}:tl:<id> exists from the second touch.
--
-- This runs once per lead event with Redis blocked, so it is written for the Lua 5.1 VM's
-- costs (bench/README.md, "process"): a table growing key by key rehashes several times, so
-- tables that take many fields are pre-sized by their constructor; numbers are turned into
-- strings only where the store needs them; a list field is decoded only when a step needs it
-- (an identity key the index already gives to this contact is already on its lists); the
-- helpers a merge alone needs are built only when contacts merge.

local done_key, seq_key, names_key = KEYS[1], KEYS[2], KEYS[3]
local pfx = ARGV[1]
local done_ttl = ARGV[2]
local tl_cap, list_cap = tonumber(ARGV[3]), tonumber(ARGV[4])
local val_max = tonumber(ARGV[5])             -- longest value a listpack field keeps
local nbuckets = tonumber(ARGV[6])
local nk, np, ne = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local ev_name, ev_fold, ev_src, ev_ch = ARGV[10], ARGV[11], ARGV[12], ARGV[13]
local at_s = ARGV[14]
local ev_at = tonumber(at_s)
local ev_lead, ev_cmp, ev_msg = ARGV[15], ARGV[16], ARGV[17]
local ev_city, ev_addr, default_team = ARGV[18], ARGV[19], ARGV[20]
local channel_priority = ARGV[21]              -- comma list, earlier wins
local outbox_limit = ARGV[22]
local ev_display = nil
if ARGV[23] == '1' then ev_display = 1 end
local unverified = {}                          -- phones a provider reported, unknown to the metadata
for ph in string.gmatch(ARGV[24], '%S+') do unverified[ph] = true end
-- ARGV[kb + i]: identity key i; ARGV[pb + i]: phone i; ARGV[eb + 2i - 1], ARGV[eb + 2i]: email i
-- as given and its match key.
local kb = 24
local pb = kb + nk
local eb = pb + np

--#include "lib/outbox_guard.lua"
--#include "lib/alias.lua"
--#include "lib/names.lua"

local prev = redis.call('GET', done_key)
if prev then
  local r
  if string.sub(prev, 1, 1) == '[' then r = cjson.decode(prev) else r = cmsgpack.unpack(prev) end
  return {r[1], r[2], r[3], r[4], 1, r[5], r[6], r[7] or 0}
end

local outbox_key = pfx .. 'outbox'
do
  local full = outbox_full(pfx, outbox_limit)
  if full then return full end
end

-- A contact: h its stored fields, d decoded msgpack fields, dirty the fields to write back,
-- each mapped to whether it was stored before (a field emptied by the event is deleted).
-- The field table is pre-sized for every field a contact may hold.
local function fields()
  return {n = nil, f = nil, np = nil, p = nil, e = nil, i = nil, l = nil, x = nil, o = nil,
          t = nil, r = nil, ca = nil, ua = nil, h = nil, hl = nil, hm = nil}
end
local function load(id)
  local flat = redis.call('HGETALL', pfx .. 'c:' .. id)
  local n = #flat
  if n == 0 then return nil end
  local h = fields()
  for j = 1, n, 2 do h[flat[j]] = flat[j + 1] end
  return {id = id, h = h, d = {}, dirty = {}}
end
local function list(c, f)
  local v = c.d[f]
  if v == nil then
    local raw = c.h[f]
    if raw then v = cmsgpack.unpack(raw) else v = {} end
    c.d[f] = v
  end
  return v
end
local function mark(c, f)
  if c.dirty[f] == nil then c.dirty[f] = c.h[f] ~= nil end
end
local function set_s(c, f, v)
  if (c.h[f] or '') ~= v then mark(c, f); c.h[f] = v; c.d[f] = nil end
end

local function save(c)
  local key = pfx .. 'c:' .. c.id
  local args, na, del, nd = {key, 'ua', at_s}, 3, {key}, 1
  local h, d = c.h, c.d
  for f, existed in pairs(c.dirty) do
    local v = h[f]
    local t = d[f]
    if t ~= nil then
      if next(t) ~= nil then v = cmsgpack.pack(t) else v = nil end
    end
    if v ~= nil and v ~= '' then
      args[na + 1] = f; args[na + 2] = v; na = na + 2
    elseif existed then
      nd = nd + 1; del[nd] = f
    end
  end
  redis.call('HSET', unpack(args, 1, na))
  if nd > 1 then redis.call('HDEL', unpack(del, 1, nd)) end
end

local function learner_index(c, fold)
  for j, l in ipairs(list(c, 'l')) do if l[2] == fold then return j end end
  return nil
end
-- Whether the stored name is a chat profile's display name: its provenance has a fourth
-- element. Read from the packed bytes (a msgpack array of four starts 0x94) so the common
-- case, a returning person under the same name, decodes nothing.
local function display_named(c)
  local np = c.d.np
  if np then return np[4] == 1 end
  local raw = c.h.np
  return raw ~= nil and string.byte(raw, 1) == 0x94
end

local prio
local function outranks(new_ch, old_ch)
  if not prio then
    prio = {}
    local n = 0
    for ch in string.gmatch(channel_priority, '[^,]+') do n = n + 1; prio[ch] = n end
  end
  return (prio[new_ch] or 1000) < (prio[old_ch] or 1000)
end

local function email_key(e) return 'email:' .. (e[4] or e[1]) end
-- Adds x to the list field f unless an entry with the same key_of is there or it is full.
local function add(c, f, x, key_of)
  local dst = list(c, f)
  local n = #dst
  if n >= list_cap then return end
  local k = key_of(x)
  for j = 1, n do if key_of(dst[j]) == k then return end end
  dst[n + 1] = x
  mark(c, f)
end
local function first(x) return x[1] end

-- Timeline entries (JSON in the list, newest first). The first touch lives in the hash
-- (h/hl/hm) until a second one comes: one list per contact costs more than the contact.
local function json_touch(t, lead, msg)
  local o = {k = 'touch', at = t[1], ch = t[2], src = t[3], lead = lead, cmp = nil, msg = nil,
             learner = nil, review = nil}
  if t[4] and t[4] ~= '' then o.cmp = t[4] end
  if msg and msg ~= '' then o.msg = msg end
  if t[5] and t[5] ~= '' then o.learner = t[5] end
  if t[6] == 1 then o.review = 1 end
  return cjson.encode(o)
end
local function inline_touch(c)  -- the hash's first touch as a list entry, or nil
  local h = c.h.h
  if not h then return nil end
  return json_touch(cmsgpack.unpack(h), c.h.hl, c.h.hm)
end
local function drop_inline(c)
  local h = c.h
  if h.h then mark(c, 'h'); h.h = nil end
  if h.hl then mark(c, 'hl'); h.hl = nil end
  if h.hm then mark(c, 'hm'); h.hm = nil end
end

local function set_name(c, name, fold, prov)
  local old = c.h.f or ''
  if old ~= '' and old ~= fold then redis.call('ZREM', names_key, old .. '\0' .. c.id) end
  set_s(c, 'n', name)
  set_s(c, 'f', fold)
  c.d.np = prov; mark(c, 'np')
  if fold ~= '' and fold ~= old then redis.call('ZADD', names_key, 0, fold .. '\0' .. c.id) end
end

local function add_learner(c, name, fold, src, at)
  local l = list(c, 'l')
  if learner_index(c, fold) or #l >= list_cap then return end
  l[#l + 1] = {name, fold, src, at}
  mark(c, 'l')
  redis.call('ZADD', names_key, 0, fold .. '\0' .. c.id)
end

local cache = {}
local function get(id)
  local c = cache[id]
  if c == nil then c = load(id) or false; cache[id] = c end
  return c
end
-- The live contact an index value names: a contact hash exists only for live ids, so the
-- alias chain is walked only for merged ones. Aliases point to lower ids; the bound guards
-- a damaged store.
local function live(id) return follow_alias(pfx, id, get) end

-- 1. Who do the keys name? Strong keys (phone, channel ids) are trusted; an email match is
--    accepted only when the name agrees (or, names unknown, the phones do not disagree).
local strong, weak, key_owner = {}, {}, {}
local any_weak = false
for i = 1, nk do
  local k = ARGV[kb + i]
  local v = redis.call('HGET', KEYS[3 + i], k)
  local cid = v and live('c_' .. v) or false
  key_owner[i] = cid
  if cid then
    if string.sub(k, 1, 6) == 'email:' then weak[cid] = true; any_weak = true
    else strong[cid] = true end
  end
end

local accepted, nacc = {}, 0
for cid in pairs(strong) do nacc = nacc + 1; accepted[nacc] = cid end
if any_weak then
  for cid in pairs(weak) do
    if not strong[cid] then
      local c = get(cid)
      local ok = true
      local cf = c.h.f or ''
      if ev_fold ~= '' and cf ~= '' then
        ok = not different(cf, ev_fold) or learner_index(c, ev_fold) ~= nil
      elseif np > 0 then
        local cp = list(c, 'p')
        if #cp > 0 then
          ok = false
          for j = 1, np do
            local p = ARGV[pb + j]
            for _, x in ipairs(cp) do if x[1] == p then ok = true end end
          end
        end
      end
      if ok then nacc = nacc + 1; accepted[nacc] = cid end
    end
  end
end
if nacc > 1 then
  table.sort(accepted, function(a, b)
    return (tonumber(string.sub(a, 3)) or 0) < (tonumber(string.sub(b, 3)) or 0)
  end)
end

-- 2. Create, attach or merge.
local c, created, returning, merged = nil, 0, 0, {}
if nacc == 0 then
  local id = 'c_' .. redis.call('INCR', seq_key)
  c = {id = id, h = fields(), d = {}, dirty = fields()}
  set_s(c, 'ca', at_s)
  if nk == 0 then set_s(c, 'r', '1') end
  created = 1
else
  c = get(accepted[1])
  returning = 1
  if nacc > 1 then
    -- Merges are rare; their helpers are built here only.
    -- The same function as store::identity_bucket (31-multiplier string hash mod 2^32).
    local function bucket_key(k)
      local h = 0
      for j = 1, #k do h = (h * 31 + string.byte(k, j)) % 4294967296 end
      return pfx .. 'kx:' .. (h % nbuckets)
    end
    local function union(dst_c, f, src, key_of)
      for _, x in ipairs(src) do add(dst_c, f, x, key_of) end
    end
    local function timeline_of(x)  -- newest first
      local t = redis.call('LRANGE', pfx .. 'tl:' .. x.id, 0, -1)
      local first_touch = inline_touch(x)
      if first_touch then t[#t + 1] = first_touch end
      return t
    end
    local function merge_timeline(w, l)
      local b = timeline_of(l)
      if #b == 0 then return end
      local a = timeline_of(w)
      local function at(s) return tonumber(cjson.decode(s).at) or 0 end
      local out, i, j = {}, 1, 1
      while #out < tl_cap and (i <= #a or j <= #b) do
        if j > #b or (i <= #a and at(a[i]) >= at(b[j])) then
          out[#out + 1] = a[i]; i = i + 1
        else
          out[#out + 1] = b[j]; j = j + 1
        end
      end
      drop_inline(w)
      redis.call('DEL', pfx .. 'tl:' .. w.id, pfx .. 'tl:' .. l.id)
      redis.call('RPUSH', pfx .. 'tl:' .. w.id, unpack(out))
    end
    -- Merges contact `l` into the older `w`: field unions, scalars by priority, keys
    -- repointed (only those still resolving to the loser: a shared email may belong to
    -- someone else), alias left behind, names index and timeline moved.
    local function merge(w, l)
      union(w, 'p', list(l, 'p'), first)
      union(w, 'e', list(l, 'e'), email_key)
      union(w, 'i', list(l, 'i'), first)
      local ln, lf, lnp = l.h.n or '', l.h.f or '', list(l, 'np')
      if ln ~= '' then
        local wf = w.h.f or ''
        if (w.h.n or '') == '' then
          set_name(w, ln, lf, lnp)
        elseif lnp[4] == 1 then  -- nothing to keep: a display name is nobody's name
        elseif display_named(w) then
          set_name(w, ln, lf, lnp)
        elseif different(wf, lf) then
          add_learner(w, ln, lf, lnp[1], lnp[2])
        elseif outranks(lnp[3], list(w, 'np')[3]) then
          set_name(w, ln, lf, lnp)
        end
      end
      for _, x in ipairs(list(l, 'l')) do add_learner(w, x[1], x[2], x[3], x[4]) end
      local wx = list(w, 'x')
      for k, v in pairs(list(l, 'x')) do
        if not wx[k] or outranks(v[4], wx[k][4]) then wx[k] = v; mark(w, 'x') end
      end
      if (w.h.o or '') == '' then set_s(w, 'o', l.h.o or '') end
      if (w.h.t or '') == '' then set_s(w, 't', l.h.t or '') end
      local lca = tonumber(l.h.ca) or ev_at
      if lca < (tonumber(w.h.ca) or ev_at) then set_s(w, 'ca', tostring(lca)) end
      local n = string.sub(w.id, 3)
      local keys = {}
      for _, x in ipairs(list(l, 'p')) do keys[#keys + 1] = 'phone:' .. x[1] end
      for _, x in ipairs(list(l, 'e')) do keys[#keys + 1] = email_key(x) end
      for _, x in ipairs(list(l, 'i')) do keys[#keys + 1] = x[1] end
      for _, k in ipairs(keys) do
        local bk = bucket_key(k)
        local owner = redis.call('HGET', bk, k)
        if owner and live('c_' .. owner) == l.id then redis.call('HSET', bk, k, n) end
      end
      if lf ~= '' then redis.call('ZREM', names_key, lf .. '\0' .. l.id) end
      for _, x in ipairs(list(l, 'l')) do redis.call('ZREM', names_key, x[2] .. '\0' .. l.id) end
      redis.call('SET', pfx .. 'alias:' .. l.id, w.id)
      merge_timeline(w, l)
      redis.call('DEL', pfx .. 'c:' .. l.id)
      cache[l.id] = false
    end
    for j = 2, nacc do
      merge(c, get(accepted[j]))
      merged[#merged + 1] = accepted[j]
    end
  end
  if nk > 0 then set_s(c, 'r', '') end
end
local in_contact = {}
for j = 1, nacc do in_contact[accepted[j]] = true end

-- 3. Apply the event: keys point here (except a shared email owned by someone else). A key
--    the index gives to this contact (or to one merged into it) is on its lists already.
local n = string.sub(c.id, 3)
local on_lists = {}
for i = 1, nk do
  local owner = key_owner[i]
  if owner and in_contact[owner] then
    on_lists[ARGV[kb + i]] = true
    if owner ~= c.id then redis.call('HSET', KEYS[3 + i], ARGV[kb + i], n) end
  elseif not owner then
    redis.call('HSET', KEYS[3 + i], ARGV[kb + i], n)
  end
end
for j = 1, np do
  local p = ARGV[pb + j]
  if not on_lists['phone:' .. p] then
    if unverified[p] then add(c, 'p', {p, ev_src, ev_at, 1}, first) else add(c, 'p', {p, ev_src, ev_at}, first) end
  end
end
for j = 1, ne do
  local addr, match = ARGV[eb + 2 * j - 1], ARGV[eb + 2 * j]
  if not on_lists['email:' .. match] then
    local x = {addr, ev_src, ev_at}
    if match ~= addr then x[4] = match end
    add(c, 'e', x, email_key)
  end
end
for i = 1, nk do
  local k = ARGV[kb + i]
  if not on_lists[k] then
    local kind = string.sub(k, 1, 6)
    if kind ~= 'phone:' and kind ~= 'email:' then add(c, 'i', {k, ev_src, ev_at}, first) end
  end
end
local learner = ''
-- Names. A chat profile's display name (Zalo, Messenger) is as often a nickname or a parent's
-- own name as the learner's: it names a contact that has no name, yields to the first real
-- name, and never becomes a learner.
if ev_name ~= '' then
  local cn, cf = c.h.n or '', c.h.f or ''
  if cn == '' then
    set_name(c, ev_name, ev_fold, {ev_src, ev_at, ev_ch, ev_display})
  elseif cf == ev_fold then
    -- The same name: a real one confirms a display name, a better source's spelling wins.
    if not ev_display and (display_named(c) or (cn ~= ev_name and outranks(ev_ch, list(c, 'np')[3]))) then
      set_s(c, 'n', ev_name)
      c.d.np = {ev_src, ev_at, ev_ch}; mark(c, 'np')
    end
  elseif ev_display then  -- another display name, or one that differs from the real name: kept off
  elseif display_named(c) then
    set_name(c, ev_name, ev_fold, {ev_src, ev_at, ev_ch})
  elseif different(cf, ev_fold) then
    -- A household: the same phone, another person's name. Not a rename; a learner.
    add_learner(c, ev_name, ev_fold, ev_src, ev_at)
    learner = ev_name
  elseif outranks(ev_ch, list(c, 'np')[3]) then
    set_name(c, ev_name, ev_fold, {ev_src, ev_at, ev_ch})
  end
end
local function set_x(f, v)
  local cx = list(c, 'x')
  local old = cx[f]
  if not old or (old[1] ~= v and outranks(ev_ch, old[4])) then
    cx[f] = {v, ev_src, ev_at, ev_ch}
    mark(c, 'x')
  end
end
if ev_city ~= '' then set_x('city', ev_city) end
if ev_addr ~= '' then set_x('addr', ev_addr) end
if (c.h.t or '') == '' and default_team ~= '' then set_s(c, 't', default_team) end

-- 4. Timeline: merges first, then the touch. A new contact keeps its first touch in the hash
--    when every part fits a listpack value; otherwise, and from the second touch on, the list.
local review = 0
if c.h.r == '1' then review = 1 end
local msg = ev_msg
local t = {ev_at, ev_ch, ev_src, ev_cmp, learner, review}
local packed = created == 1 and cmsgpack.pack(t)
if packed and #packed <= val_max and #ev_lead <= val_max and #msg <= val_max then
  set_s(c, 'h', packed)
  set_s(c, 'hl', ev_lead)
  set_s(c, 'hm', msg)
else
  local tl = pfx .. 'tl:' .. c.id
  local old = inline_touch(c)
  if old then
    drop_inline(c)
    redis.call('RPUSH', tl, old)
  end
  local touch = json_touch(t, ev_lead, msg)
  local len
  if #merged > 0 then
    local m = cjson.encode({k = 'merge', from = table.concat(merged, ','), at = ev_at,
                            lead = ev_lead})
    len = redis.call('LPUSH', tl, m, touch)
  else
    len = redis.call('LPUSH', tl, touch)
  end
  if len > tl_cap then redis.call('LTRIM', tl, 0, tl_cap - 1) end
end
save(c)

local merged_s = table.concat(merged, ',')
local owner, team = c.h.o or '', c.h.t or ''

-- 5. The outbox, in this same step: created, or updated when more than the touch changed.
local typ = nil
if created == 1 then
  typ = 'contact.created'
elseif #merged > 0 then
  typ = 'contact.updated'
else
  for f in pairs(c.dirty) do
    if f ~= 'h' and f ~= 'hl' and f ~= 'hm' and f ~= 'r' then typ = 'contact.updated'; break end
  end
end
if typ then
  redis.call('XADD', outbox_key, '*', 'type', typ, 'contact_id', c.id,
             'event', string.sub(done_key, #pfx + 6), 'lead_id', ev_lead, 'source', ev_src,
             'channel', ev_ch, 'team_id', team, 'merged', merged_s)
end
redis.call('SET', done_key, cmsgpack.pack({c.id, returning, owner, team, merged_s, learner, created}),
           'EX', done_ttl)
return {c.id, returning, owner, team, 0, merged_s, learner, created}
