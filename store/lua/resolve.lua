-- Identity resolution of one lead event, atomically (store/contacts.hpp is its caller).
-- Looks every identity key up; none -> creates a contact; one -> attaches; several -> merges
-- them into the oldest (lowest c_<n>), leaving aliases that still resolve. Then applies the
-- event (unions of phones/emails/ids with provenance, scalar fields by channel priority,
-- household learners), appends a timeline touch, and writes a done marker so a redelivered
-- event has no second effect. Because Redis runs a script alone, two workers resolving two
-- events of one person at the same moment end with one contact.
--
-- KEYS[1] lg:{t}:done:<event_id>   KEYS[2] lg:{t}:seq:contact   KEYS[3] lg:{t}:names
-- KEYS[3+i] lg:{t}:key:<identity key i>; other keys of the tenant (c:, alias:, tl:) are
-- derived from ARGV[1], the tenant prefix, and share the {t} slot.
-- ARGV[2] the event as JSON: k (identity keys, the order of KEYS[4..]), p (phones),
--   e ([address, match key]), name, fold, src, ch, at (epoch s), lead, cmp, msg, city, addr,
--   team (default team), prio ({channel: rank}, lower wins).
-- ARGV[3] done-marker TTL (s); ARGV[4] timeline cap; ARGV[5] list cap per field.
-- Returns {contact id, returning 0|1, owner, team, duplicate 0|1, merged ids (comma list),
--          learner name, created 0|1}. A redelivered event (done marker present) gets its first
--          run's answer again with duplicate = 1, so the routing stage sees the same contact.
--
-- Contact hash lg:{t}:c:<id>, small fields so Redis keeps it a listpack (see store/KEYS.md):
--   n name, f folded name, np msgpack[src, at, ch] of the name, p msgpack[[e164, src, at]],
--   e msgpack[[address, src, at, match key if different]], i msgpack[[key, src, at]],
--   l msgpack[[learner name, folded, src, at]], x msgpack{city|address = [v, src, at, ch]},
--   o owner, t team, r "1" when it had no key (needs review), ca/ua created/updated (epoch s).

local done_key, seq_key, names_key = KEYS[1], KEYS[2], KEYS[3]
local pfx = ARGV[1]
local ev = cjson.decode(ARGV[2])
local done_ttl = tonumber(ARGV[3])
local tl_cap = tonumber(ARGV[4])
local list_cap = tonumber(ARGV[5])

local prev = redis.call('GET', done_key)
if prev then
  local r = cjson.decode(prev)
  return {r[1], r[2], r[3], r[4], 1, r[5], r[6], r[7] or 0}
end

local function ckey(id) return pfx .. 'c:' .. id end
local function tlkey(id) return pfx .. 'tl:' .. id end
local function seqno(id) return tonumber(string.sub(id, 3)) or 0 end
local function name_member(fold, id) return fold .. '\0' .. id end

-- Aliases always point to a lower id, so the chain ends; the bound guards a damaged store.
local function canonical(id)
  for _ = 1, 16 do
    local nxt = redis.call('GET', pfx .. 'alias:' .. id)
    if not nxt then return id end
    id = nxt
  end
  return id
end

local function field(h, f)
  local v = h[f]
  if v then return cmsgpack.unpack(v) end
  return {}
end

local function load(id)
  local flat = redis.call('HGETALL', ckey(id))
  if #flat == 0 then return nil end
  local h = {}
  for i = 1, #flat, 2 do h[flat[i]] = flat[i + 1] end
  return {id = id, n = h.n or '', f = h.f or '', np = field(h, 'np'), p = field(h, 'p'),
          e = field(h, 'e'), i = field(h, 'i'), l = field(h, 'l'), x = field(h, 'x'),
          o = h.o or '', t = h.t or '', r = h.r == '1', ca = tonumber(h.ca) or ev.at, had = h}
end

local function save(c)
  local set, del = {'ca', c.ca, 'ua', ev.at}, {}
  local function put(f, v, present)
    if present then
      set[#set + 1] = f; set[#set + 1] = v
    elseif c.had[f] then
      del[#del + 1] = f  -- only fields the hash has: an HDEL per event is measurable
    end
  end
  put('n', c.n, c.n ~= '')
  put('f', c.f, c.f ~= '')
  put('np', cmsgpack.pack(c.np), #c.np > 0)
  put('p', cmsgpack.pack(c.p), #c.p > 0)
  put('e', cmsgpack.pack(c.e), #c.e > 0)
  put('i', cmsgpack.pack(c.i), #c.i > 0)
  put('l', cmsgpack.pack(c.l), #c.l > 0)
  put('x', cmsgpack.pack(c.x), next(c.x) ~= nil)
  put('o', c.o, c.o ~= '')
  put('t', c.t, c.t ~= '')
  put('r', '1', c.r)
  redis.call('HSET', ckey(c.id), unpack(set))
  if #del > 0 then redis.call('HDEL', ckey(c.id), unpack(del)) end
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
  for j, l in ipairs(c.l) do if l[2] == fold then return j end end
  return nil
end

local function rank(ch)
  local r = ev.prio[ch]
  if type(r) == 'number' then return r end
  return 1000
end
local function outranks(new_ch, old_ch) return rank(new_ch) < rank(old_ch) end

local function email_key(e) return 'email:' .. (e[4] or e[1]) end
local function find(list, key_of, key)
  for _, x in ipairs(list) do if key_of(x) == key then return true end end
  return false
end
local function first(x) return x[1] end
local function union(dst, src, key_of)
  for _, x in ipairs(src) do
    if #dst >= list_cap then return end
    if not find(dst, key_of, key_of(x)) then dst[#dst + 1] = x end
  end
end

-- Timeline entries are JSON, newest first, capped; merging keeps time order.
local function merge_timeline(sid, lid)
  local b = redis.call('LRANGE', tlkey(lid), 0, -1)
  if #b == 0 then return end
  local a = redis.call('LRANGE', tlkey(sid), 0, -1)
  local function at(s) return tonumber(cjson.decode(s).at) or 0 end
  local out, i, j = {}, 1, 1
  while #out < tl_cap and (i <= #a or j <= #b) do
    if j > #b or (i <= #a and at(a[i]) >= at(b[j])) then
      out[#out + 1] = a[i]; i = i + 1
    else
      out[#out + 1] = b[j]; j = j + 1
    end
  end
  redis.call('DEL', tlkey(sid), tlkey(lid))
  redis.call('RPUSH', tlkey(sid), unpack(out))
end

local function set_name(c, name, fold, prov)
  if c.f ~= '' and c.f ~= fold then redis.call('ZREM', names_key, name_member(c.f, c.id)) end
  c.n, c.f, c.np = name, fold, prov
  if fold ~= '' then redis.call('ZADD', names_key, 0, name_member(fold, c.id)) end
end

local function add_learner(c, name, fold, src, at)
  if learner_index(c, fold) or #c.l >= list_cap then return end
  c.l[#c.l + 1] = {name, fold, src, at}
  redis.call('ZADD', names_key, 0, name_member(fold, c.id))
end

-- Merges contact `l` into the older `c`: field unions, scalars by priority, keys repointed
-- (only those still resolving to the loser: a shared email may belong to someone else),
-- alias left behind, names index and timeline moved.
local function merge(c, l)
  union(c.p, l.p, first)
  union(c.e, l.e, email_key)
  union(c.i, l.i, first)
  if l.n ~= '' then
    if c.n == '' or (not different(c.f, l.f) and outranks(l.np[3], c.np[3])) then
      set_name(c, l.n, l.f, l.np)
    elseif different(c.f, l.f) then
      add_learner(c, l.n, l.f, l.np[1], l.np[2])
    end
  end
  for _, x in ipairs(l.l) do add_learner(c, x[1], x[2], x[3], x[4]) end
  for k, v in pairs(l.x) do
    if not c.x[k] or outranks(v[4], c.x[k][4]) then c.x[k] = v end
  end
  if c.o == '' then c.o = l.o end
  if c.t == '' then c.t = l.t end
  c.ca = math.min(c.ca, l.ca)
  local keys = {}
  for _, x in ipairs(l.p) do keys[#keys + 1] = 'phone:' .. x[1] end
  for _, x in ipairs(l.e) do keys[#keys + 1] = email_key(x) end
  for _, x in ipairs(l.i) do keys[#keys + 1] = x[1] end
  for _, k in ipairs(keys) do
    local owner = redis.call('GET', pfx .. 'key:' .. k)
    if owner and canonical(owner) == l.id then redis.call('SET', pfx .. 'key:' .. k, c.id) end
  end
  if l.f ~= '' then redis.call('ZREM', names_key, name_member(l.f, l.id)) end
  for _, x in ipairs(l.l) do redis.call('ZREM', names_key, name_member(x[2], l.id)) end
  redis.call('SET', pfx .. 'alias:' .. l.id, c.id)
  redis.call('DEL', ckey(l.id))
  merge_timeline(c.id, l.id)
end

-- 1. Who do the keys name? Strong keys (phone, channel ids) are trusted; an email match is
--    accepted only when the name agrees (or, names unknown, the phones do not disagree).
local cache = {}
local function get(id)
  if cache[id] == nil then cache[id] = load(id) or false end
  return cache[id]
end
local strong, weak, key_owner = {}, {}, {}
for i, k in ipairs(ev.k) do
  local cid = redis.call('GET', KEYS[3 + i])
  if cid then
    cid = canonical(cid)
    if not get(cid) then cid = nil end
  end
  key_owner[i] = cid or false
  if cid then
    if string.sub(k, 1, 6) == 'email:' then weak[cid] = true else strong[cid] = true end
  end
end

local function email_match_ok(c)
  if ev.fold ~= '' and c.f ~= '' then
    if not different(c.f, ev.fold) then return true end
    return learner_index(c, ev.fold) ~= nil
  end
  if #ev.p > 0 and #c.p > 0 then
    for _, p in ipairs(ev.p) do
      if find(c.p, first, p) then return true end
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
  c = {id = id, n = '', f = '', np = {}, p = {}, e = {}, i = {}, l = {}, x = {}, o = '', t = '',
       r = #ev.k == 0, ca = ev.at, had = {}}
  created = 1
else
  c = get(accepted[1])
  returning = 1
  for j = 2, #accepted do
    merge(c, get(accepted[j]))
    merged[#merged + 1] = accepted[j]
  end
  if #ev.k > 0 then c.r = false end
end
local in_contact = {}
for _, id in ipairs(accepted) do in_contact[id] = true end

-- 3. Apply the event: keys point here (except a shared email owned by someone else).
for i, k in ipairs(ev.k) do
  local owner = key_owner[i]
  if not owner or in_contact[owner] then
    if owner ~= c.id then redis.call('SET', KEYS[3 + i], c.id) end
  end
end
local prov = {ev.src, ev.at}
for _, p in ipairs(ev.p) do union(c.p, {{p, ev.src, ev.at}}, first) end
for _, e in ipairs(ev.e) do
  local x = {e[1], ev.src, ev.at}
  if e[2] ~= e[1] then x[4] = e[2] end
  union(c.e, {x}, email_key)
end
for _, k in ipairs(ev.k) do
  local kind = string.sub(k, 1, 6)
  if kind ~= 'phone:' and kind ~= 'email:' then union(c.i, {{k, ev.src, ev.at}}, first) end
end
local learner = ''
if ev.name ~= '' then
  if c.n == '' then
    set_name(c, ev.name, ev.fold, {prov[1], prov[2], ev.ch})
  elseif different(c.f, ev.fold) then
    -- A household: the same phone, another person's name. Not a rename; a learner.
    add_learner(c, ev.name, ev.fold, ev.src, ev.at)
    learner = ev.name
  elseif c.f ~= ev.fold and outranks(ev.ch, c.np[3]) then
    set_name(c, ev.name, ev.fold, {prov[1], prov[2], ev.ch})
  elseif c.n ~= ev.name and outranks(ev.ch, c.np[3]) then
    c.n, c.np = ev.name, {prov[1], prov[2], ev.ch}
  end
end
for _, f in ipairs({'city', 'addr'}) do
  local v = ev[f]
  if v and v ~= '' and (not c.x[f] or outranks(ev.ch, c.x[f][4])) then
    c.x[f] = {v, ev.src, ev.at, ev.ch}
  end
end
if c.t == '' and ev.team ~= '' then c.t = ev.team end
save(c)

-- 4. Timeline: merges first, then the touch.
local tl = tlkey(c.id)
if #merged > 0 then
  redis.call('LPUSH', tl, cjson.encode({k = 'merge', from = table.concat(merged, ','),
                                        at = ev.at, lead = ev.lead}))
end
local touch = {k = 'touch', ch = ev.ch, src = ev.src, at = ev.at, lead = ev.lead}
if ev.cmp ~= '' then touch.cmp = ev.cmp end
if ev.msg ~= '' then touch.msg = ev.msg end
if learner ~= '' then touch.learner = learner end
if c.r then touch.review = 1 end
redis.call('LPUSH', tl, cjson.encode(touch))
redis.call('LTRIM', tl, 0, tl_cap - 1)

local merged_s = table.concat(merged, ',')
redis.call('SET', done_key, cjson.encode({c.id, returning, c.o, c.t, merged_s, learner, created}),
           'EX', done_ttl)
return {c.id, returning, c.o, c.t, 0, merged_s, learner, created}
