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
--   then K identity keys, P phones (E.164), E pairs (address as given, match key).
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
--   n name, f folded name, np msgpack[src, at, ch] of the name, p msgpack[[e164, src, at]],
--   e msgpack[[address, src, at, match key if different]], i msgpack[[key, src, at]],
--   l msgpack[[learner name, folded, src, at]], x msgpack{city|addr = [v, src, at, ch]},
--   o owner, t team, r "1" when it had no key (needs review), ca/ua created/updated (epoch s),
--   h/hl/hm the first timeline touch while it is the only one: msgpack[at, ch, src, cmp,
--   learner, review], lead id, message. The list lg:{t}:tl:<id> exists from the second touch.

local done_key, seq_key, names_key = KEYS[1], KEYS[2], KEYS[3]
local pfx = ARGV[1]
local done_ttl, tl_cap, list_cap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local val_max, nbuckets = tonumber(ARGV[5]), tonumber(ARGV[6])
local nk, np, ne = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local ev = {name = ARGV[10], fold = ARGV[11], src = ARGV[12], ch = ARGV[13],
            at = tonumber(ARGV[14]), lead = ARGV[15], cmp = ARGV[16], msg = ARGV[17],
            city = ARGV[18], addr = ARGV[19], team = ARGV[20], k = {}, p = {}, e = {}}
local outbox_limit = tonumber(ARGV[22])
local base = 22
for i = 1, nk do ev.k[i] = ARGV[base + i] end
base = base + nk
for i = 1, np do ev.p[i] = ARGV[base + i] end
base = base + np
for i = 1, ne do ev.e[i] = {ARGV[base + 2 * i - 1], ARGV[base + 2 * i]} end

local prev = redis.call('GET', done_key)
if prev then
  local r
  if string.sub(prev, 1, 1) == '[' then r = cjson.decode(prev) else r = cmsgpack.unpack(prev) end
  return {r[1], r[2], r[3], r[4], 1, r[5], r[6], r[7] or 0}
end

local outbox_key = pfx .. 'outbox'
local outbox_len = redis.call('XLEN', outbox_key)
if outbox_len >= outbox_limit then
  return redis.error_reply('OUTBOX_FULL ' .. outbox_key .. ' holds ' .. outbox_len ..
                           ' entries not yet copied to destinations (limit ' .. outbox_limit .. ')')
end

local function ckey(id) return pfx .. 'c:' .. id end
local function tlkey(id) return pfx .. 'tl:' .. id end
local function seqno(id) return tonumber(string.sub(id, 3)) or 0 end
local function name_member(fold, id) return fold .. '\0' .. id end
-- The same function as store::identity_bucket (31-multiplier string hash mod 2^32).
local function bucket_key(k)
  local h = 0
  for j = 1, #k do h = (h * 31 + string.byte(k, j)) % 4294967296 end
  return pfx .. 'kx:' .. (h % nbuckets)
end

local prio
local function rank(ch)
  if not prio then
    prio = {}
    local n = 0
    for c in string.gmatch(ARGV[21], '[^,]+') do n = n + 1; prio[c] = n end
  end
  return prio[ch] or 1000
end
local function outranks(new_ch, old_ch) return rank(new_ch) < rank(old_ch) end

-- A contact: h the stored fields, had which existed, d decoded msgpack fields, dirty the
-- fields to write back (only those: rewriting unchanged fields costs).
local function load(id)
  local flat = redis.call('HGETALL', ckey(id))
  if #flat == 0 then return nil end
  local h, had = {}, {}
  for j = 1, #flat, 2 do h[flat[j]] = flat[j + 1]; had[flat[j]] = true end
  return {id = id, h = h, had = had, d = {}, dirty = {}}
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
local function changed(c, f) c.dirty[f] = true end
local function sval(c, f) return c.h[f] or '' end
local function set_s(c, f, v)
  if (c.h[f] or '') ~= v then c.h[f] = v; c.d[f] = nil; c.dirty[f] = true end
end

local function save(c)
  local args, del = {ckey(c.id), 'ua', ev.at}, {ckey(c.id)}
  for f in pairs(c.dirty) do
    local v = c.h[f]
    local t = c.d[f]
    if t ~= nil then
      if next(t) ~= nil then v = cmsgpack.pack(t) else v = nil end
    end
    if v ~= nil and v ~= '' then
      args[#args + 1] = f; args[#args + 1] = v
    elseif c.had[f] then
      del[#del + 1] = f
    end
  end
  redis.call('HSET', unpack(args))
  if #del > 1 then redis.call('HDEL', unpack(del)) end
end

-- Names: a different person when neither personal name (the last word, Vietnamese order)
-- is a word of the other name; core::different_person is the same rule in C++.
local function last_word(s) return string.match(s, '(%S+)%s*$') or '' end
local function has_word(s, w)
  for x in string.gmatch(s, '%S+') do if x == w then return true end end
  return false
end
local function different(a, b)
  if a == '' or b == '' then return false end
  return not has_word(b, last_word(a)) and not has_word(a, last_word(b))
end
local function learner_index(c, fold)
  for j, l in ipairs(list(c, 'l')) do if l[2] == fold then return j end end
  return nil
end

local function email_key(e) return 'email:' .. (e[4] or e[1]) end
local function find(xs, key_of, key)
  for _, x in ipairs(xs) do if key_of(x) == key then return true end end
  return false
end
local function first(x) return x[1] end
local function union(c, f, src, key_of)
  local dst = list(c, f)
  for _, x in ipairs(src) do
    if #dst >= list_cap then return end
    if not find(dst, key_of, key_of(x)) then dst[#dst + 1] = x; changed(c, f) end
  end
end

-- Timeline entries (JSON in the list, newest first). The first touch lives in the hash
-- (h/hl/hm) until a second one comes: one list per contact costs more than the contact.
local function json_touch(t, lead, msg)
  local o = {k = 'touch', at = t[1], ch = t[2], src = t[3], lead = lead}
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
  for _, f in ipairs({'h', 'hl', 'hm'}) do
    if c.h[f] then c.h[f] = nil; c.dirty[f] = true end
  end
end
local function timeline_of(c)  -- newest first
  local t = redis.call('LRANGE', tlkey(c.id), 0, -1)
  local x = inline_touch(c)
  if x then t[#t + 1] = x end
  return t
end

local function merge_timeline(c, l)
  local b = timeline_of(l)
  if #b == 0 then return end
  local a = timeline_of(c)
  local function at(s) return tonumber(cjson.decode(s).at) or 0 end
  local out, i, j = {}, 1, 1
  while #out < tl_cap and (i <= #a or j <= #b) do
    if j > #b or (i <= #a and at(a[i]) >= at(b[j])) then
      out[#out + 1] = a[i]; i = i + 1
    else
      out[#out + 1] = b[j]; j = j + 1
    end
  end
  drop_inline(c)
  redis.call('DEL', tlkey(c.id), tlkey(l.id))
  redis.call('RPUSH', tlkey(c.id), unpack(out))
end

local function set_name(c, name, fold, prov)
  local old = sval(c, 'f')
  if old ~= '' and old ~= fold then redis.call('ZREM', names_key, name_member(old, c.id)) end
  set_s(c, 'n', name)
  set_s(c, 'f', fold)
  c.d.np = prov; changed(c, 'np')
  if fold ~= '' and fold ~= old then redis.call('ZADD', names_key, 0, name_member(fold, c.id)) end
end

local function add_learner(c, name, fold, src, at)
  local l = list(c, 'l')
  if learner_index(c, fold) or #l >= list_cap then return end
  l[#l + 1] = {name, fold, src, at}
  changed(c, 'l')
  redis.call('ZADD', names_key, 0, name_member(fold, c.id))
end

local cache = {}
local function get(id)
  if cache[id] == nil then cache[id] = load(id) or false end
  return cache[id]
end
-- The live contact an index value names: a contact hash exists only for live ids, so the
-- alias chain is walked only for merged ones. Aliases point to lower ids; the bound guards
-- a damaged store.
local function live(id)
  for _ = 1, 16 do
    if get(id) then return id end
    id = redis.call('GET', pfx .. 'alias:' .. id)
    if not id then return nil end
  end
  return nil
end

-- Merges contact `l` into the older `c`: field unions, scalars by priority, keys repointed
-- (only those still resolving to the loser: a shared email may belong to someone else),
-- alias left behind, names index and timeline moved.
local function merge(c, l)
  union(c, 'p', list(l, 'p'), first)
  union(c, 'e', list(l, 'e'), email_key)
  union(c, 'i', list(l, 'i'), first)
  local ln, lf, lnp = sval(l, 'n'), sval(l, 'f'), list(l, 'np')
  if ln ~= '' then
    local cf = sval(c, 'f')
    if sval(c, 'n') == '' or (not different(cf, lf) and outranks(lnp[3], list(c, 'np')[3])) then
      set_name(c, ln, lf, lnp)
    elseif different(cf, lf) then
      add_learner(c, ln, lf, lnp[1], lnp[2])
    end
  end
  for _, x in ipairs(list(l, 'l')) do add_learner(c, x[1], x[2], x[3], x[4]) end
  local cx = list(c, 'x')
  for k, v in pairs(list(l, 'x')) do
    if not cx[k] or outranks(v[4], cx[k][4]) then cx[k] = v; changed(c, 'x') end
  end
  if sval(c, 'o') == '' then set_s(c, 'o', sval(l, 'o')) end
  if sval(c, 't') == '' then set_s(c, 't', sval(l, 't')) end
  local lca = tonumber(l.h.ca) or ev.at
  if lca < (tonumber(c.h.ca) or ev.at) then set_s(c, 'ca', tostring(lca)) end
  local n = string.sub(c.id, 3)
  local keys = {}
  for _, x in ipairs(list(l, 'p')) do keys[#keys + 1] = 'phone:' .. x[1] end
  for _, x in ipairs(list(l, 'e')) do keys[#keys + 1] = email_key(x) end
  for _, x in ipairs(list(l, 'i')) do keys[#keys + 1] = x[1] end
  for _, k in ipairs(keys) do
    local bk = bucket_key(k)
    local owner = redis.call('HGET', bk, k)
    if owner and live('c_' .. owner) == l.id then redis.call('HSET', bk, k, n) end
  end
  if lf ~= '' then redis.call('ZREM', names_key, name_member(lf, l.id)) end
  for _, x in ipairs(list(l, 'l')) do redis.call('ZREM', names_key, name_member(x[2], l.id)) end
  redis.call('SET', pfx .. 'alias:' .. l.id, c.id)
  merge_timeline(c, l)
  redis.call('DEL', ckey(l.id))
  cache[l.id] = false
end

-- 1. Who do the keys name? Strong keys (phone, channel ids) are trusted; an email match is
--    accepted only when the name agrees (or, names unknown, the phones do not disagree).
local strong, weak, key_owner = {}, {}, {}
for i, k in ipairs(ev.k) do
  local v = redis.call('HGET', KEYS[3 + i], k)
  local cid = v and live('c_' .. v) or nil
  key_owner[i] = cid or false
  if cid then
    if string.sub(k, 1, 6) == 'email:' then weak[cid] = true else strong[cid] = true end
  end
end

local function email_match_ok(c)
  local cf = sval(c, 'f')
  if ev.fold ~= '' and cf ~= '' then
    if not different(cf, ev.fold) then return true end
    return learner_index(c, ev.fold) ~= nil
  end
  local cp = list(c, 'p')
  if #ev.p > 0 and #cp > 0 then
    for _, p in ipairs(ev.p) do
      if find(cp, first, p) then return true end
    end
    return false
  end
  return true
end

local accepted = {}
for cid in pairs(strong) do accepted[#accepted + 1] = cid end
for cid in pairs(weak) do
  if not strong[cid] and email_match_ok(get(cid)) then accepted[#accepted + 1] = cid end
end
table.sort(accepted, function(a, b) return seqno(a) < seqno(b) end)

-- 2. Create, attach or merge.
local c, created, returning, merged = nil, 0, 0, {}
if #accepted == 0 then
  local id = 'c_' .. redis.call('INCR', seq_key)
  c = {id = id, h = {}, had = {}, d = {}, dirty = {}}
  set_s(c, 'ca', tostring(ev.at))
  if #ev.k == 0 then set_s(c, 'r', '1') end
  created = 1
else
  c = get(accepted[1])
  returning = 1
  for j = 2, #accepted do
    merge(c, get(accepted[j]))
    merged[#merged + 1] = accepted[j]
  end
  if #ev.k > 0 then set_s(c, 'r', '') end
end
local in_contact = {}
for _, id in ipairs(accepted) do in_contact[id] = true end

-- 3. Apply the event: keys point here (except a shared email owned by someone else).
local n = string.sub(c.id, 3)
for i, k in ipairs(ev.k) do
  local owner = key_owner[i]
  if (not owner or in_contact[owner]) and owner ~= c.id then
    redis.call('HSET', KEYS[3 + i], k, n)
  end
end
for _, p in ipairs(ev.p) do union(c, 'p', {{p, ev.src, ev.at}}, first) end
for _, e in ipairs(ev.e) do
  local x = {e[1], ev.src, ev.at}
  if e[2] ~= e[1] then x[4] = e[2] end
  union(c, 'e', {x}, email_key)
end
for _, k in ipairs(ev.k) do
  local kind = string.sub(k, 1, 6)
  if kind ~= 'phone:' and kind ~= 'email:' then union(c, 'i', {{k, ev.src, ev.at}}, first) end
end
local learner = ''
if ev.name ~= '' then
  local cf = sval(c, 'f')
  if sval(c, 'n') == '' then
    set_name(c, ev.name, ev.fold, {ev.src, ev.at, ev.ch})
  elseif different(cf, ev.fold) then
    -- A household: the same phone, another person's name. Not a rename; a learner.
    add_learner(c, ev.name, ev.fold, ev.src, ev.at)
    learner = ev.name
  elseif cf ~= ev.fold and outranks(ev.ch, list(c, 'np')[3]) then
    set_name(c, ev.name, ev.fold, {ev.src, ev.at, ev.ch})
  elseif sval(c, 'n') ~= ev.name and outranks(ev.ch, list(c, 'np')[3]) then
    set_s(c, 'n', ev.name)
    c.d.np = {ev.src, ev.at, ev.ch}; changed(c, 'np')
  end
end
for _, f in ipairs({'city', 'addr'}) do
  local v = ev[f]
  if v ~= '' then
    local cx = list(c, 'x')
    if not cx[f] or (cx[f][1] ~= v and outranks(ev.ch, cx[f][4])) then
      cx[f] = {v, ev.src, ev.at, ev.ch}
      changed(c, 'x')
    end
  end
end
if sval(c, 't') == '' and ev.team ~= '' then set_s(c, 't', ev.team) end

-- 4. Timeline: merges first, then the touch. A new contact keeps its first touch in the hash
--    when every part fits a listpack value; otherwise, and from the second touch on, the list.
local review = 0
if sval(c, 'r') == '1' then review = 1 end
local tl = tlkey(c.id)
local head = {}
if #merged > 0 then
  head[#head + 1] = cjson.encode({k = 'merge', from = table.concat(merged, ','), at = ev.at,
                                  lead = ev.lead})
end
local t = {ev.at, ev.ch, ev.src, ev.cmp, learner, review}
local packed = cmsgpack.pack(t)
if created == 1 and #packed <= val_max and #ev.lead <= val_max and #ev.msg <= val_max then
  set_s(c, 'h', packed)
  set_s(c, 'hl', ev.lead)
  set_s(c, 'hm', ev.msg)
else
  local old = inline_touch(c)
  if old then
    drop_inline(c)
    redis.call('RPUSH', tl, old)
  end
  head[#head + 1] = json_touch(t, ev.lead, ev.msg)
  local len = redis.call('LPUSH', tl, unpack(head))
  if len > tl_cap then redis.call('LTRIM', tl, 0, tl_cap - 1) end
end
save(c)

local merged_s = table.concat(merged, ',')
local owner, team = sval(c, 'o'), sval(c, 't')

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
             'event', string.sub(done_key, #pfx + 6), 'lead_id', ev.lead, 'source', ev.src,
             'channel', ev.ch, 'team_id', team, 'merged', merged_s)
end
redis.call('SET', done_key, cmsgpack.pack({c.id, returning, owner, team, merged_s, learner, created}),
           'EX', done_ttl)
return {c.id, returning, owner, team, 0, merged_s, learner, created}
