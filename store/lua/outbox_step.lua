-- One state change of a destination's delivery, atomically (webhooks/delivery.cpp). Entries
-- wait in the destination stream until first tried; an entry that must be retried is "parked":
-- its JSON in the parked hash, and — per contact, to keep each contact's order — only the
-- oldest parked entry of a contact (its head, hold[contact] = id) is scheduled in the retry
-- ZSET; later entries of that contact queue behind it in holdq:<contact> and are scheduled one
-- by one as the head is delivered or dead-lettered. Everything lives in Redis, so a restart
-- loses nothing.
--
-- KEYS[1] lg:{t}:out:<d>     STREAM entries not yet tried
-- KEYS[2] lg:{t}:parked:<d>  HASH   delivery id -> entry JSON {id, type, data, c, n (attempts), at}
-- KEYS[3] lg:{t}:retry:<d>   ZSET   delivery id of each contact's head -> due time (ms)
-- KEYS[4] lg:{t}:hold:<d>    HASH   contact -> delivery id of its head
-- KEYS[5] lg:{t}:dst:<d>     HASH   counters and last outcome (admin view)
-- KEYS[6] lg:{t}:dead:<d>    STREAM dead letters
-- ARGV[1] op; ARGV[2] the hold queue prefix lg:{t}:holdq:<d>: (same slot); ARGV[3] now (ms).
--
-- done   ARGV[4] id, [5] contact, [6] stream entry id ('' when parked), [7] ok|dead, [8] entry
--        JSON, [9] status, [10] reply, [11] reason, [12] attempts, [13] max dead
-- park   ARGV[4] id, [5] contact, [6] stream entry id, [7] entry JSON, [8] due, [9] status, [10] error
--        -> 'head' (scheduled), 'held' (behind the contact's head) or 'dup' (already parked)
-- retry  ARGV[4] id, [5] entry JSON, [6] due, [7] status, [8] error
-- replay ARGV[4] max, ARGV[5..] dead-letter entry ids (none: the oldest up to max) -> count
-- wake   ARGV[4] max: heads scheduled later than now become due now (the destination is back
--        after its breaker was open: no need to wait out a backoff of hours) -> count

local stream, parked, retry, hold, state, dead = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local op, holdq, now = ARGV[1], ARGV[2], ARGV[3]

local function note_failure(status, err)
  if status ~= '' or err ~= '' then
    redis.call('HSET', state, 'last_status', status, 'last_error', err, 'last_fail_at', now)
  end
end

-- Parks entry `id` of `contact`: head (scheduled at `due`) or behind the current head.
local function park(id, contact, entry, due)
  if redis.call('HEXISTS', parked, id) == 1 then return 'dup' end
  redis.call('HSET', parked, id, entry)
  if redis.call('HEXISTS', hold, contact) == 1 then
    redis.call('RPUSH', holdq .. contact, id)
    return 'held'
  end
  redis.call('HSET', hold, contact, id)
  redis.call('ZADD', retry, due, id)
  return 'head'
end

-- The head of `contact` is finished: schedule the next one now, or unblock the contact.
local function release(contact, id)
  if redis.call('HGET', hold, contact) ~= id then return end
  local nxt = redis.call('LPOP', holdq .. contact)
  if nxt then
    redis.call('HSET', hold, contact, nxt)
    redis.call('ZADD', retry, now, nxt)
  else
    redis.call('HDEL', hold, contact)
  end
end

if op == 'done' then
  local id, contact, sid, outcome, entry = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
  local status, reply, reason, attempts, max_dead = ARGV[9], ARGV[10], ARGV[11], ARGV[12], ARGV[13]
  if sid ~= '' then
    redis.call('XDEL', stream, sid)
  else
    redis.call('HDEL', parked, id)
    redis.call('ZREM', retry, id)
    release(contact, id)
  end
  if outcome == 'ok' then
    redis.call('HINCRBY', state, 'delivered', 1)
    redis.call('HSET', state, 'last_ok_at', now, 'last_status', status)
  else
    redis.call('XADD', dead, 'MAXLEN', '~', max_dead, '*', 'wid', id, 'contact', contact,
               'entry', entry, 'status', status, 'reply', reply, 'reason', reason,
               'attempts', attempts, 'at', now)
    redis.call('HINCRBY', state, 'dead', 1)
    note_failure(status, reason)
  end
  return 1
elseif op == 'park' then
  local id, contact, sid, entry, due, status, err = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
  if sid ~= '' then redis.call('XDEL', stream, sid) end
  local r = park(id, contact, entry, due)
  if r ~= 'dup' then redis.call('HINCRBY', state, 'retries', 1) end
  note_failure(status, err)
  return r
elseif op == 'retry' then
  local id, entry, due, status, err = ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
  redis.call('HSET', parked, id, entry)
  redis.call('ZADD', retry, due, id)
  redis.call('HINCRBY', state, 'retries', 1)
  note_failure(status, err)
  return 1
elseif op == 'replay' then
  local max = tonumber(ARGV[4])  -- then ARGV[5..]: the dead letters asked for
  local entries = {}
  if #ARGV >= 5 then
    for i = 5, #ARGV do
      local e = redis.call('XRANGE', dead, ARGV[i], ARGV[i])
      if e[1] then entries[#entries + 1] = e[1] end
    end
  else
    entries = redis.call('XRANGE', dead, '-', '+', 'COUNT', max)
  end
  local n = 0
  for _, e in ipairs(entries) do
    local f = {}
    for i = 1, #e[2], 2 do f[e[2][i]] = e[2][i + 1] end
    local ok, entry = pcall(cjson.decode, f.entry or '')
    -- An unreadable dead letter stays where it is, for inspection: never dropped.
    if ok and type(entry) == 'table' and f.wid then
      local c = f.contact
      if not c or c == '' then c = 'id:' .. f.wid end  -- no contact: no order to keep
      entry.n, entry.c = 0, c
      if park(f.wid, c, cjson.encode(entry), now) ~= 'dup' then n = n + 1 end
      redis.call('XDEL', dead, e[1])
    end
  end
  if n > 0 then redis.call('HINCRBY', state, 'replayed', n) end
  return n
elseif op == 'wake' then
  local max = tonumber(ARGV[4])
  local later = redis.call('ZRANGEBYSCORE', retry, '(' .. now, '+inf', 'LIMIT', 0, max)
  for _, id in ipairs(later) do redis.call('ZADD', retry, now, id) end
  return #later
end
return redis.error_reply('outbox_step: unknown op ' .. tostring(op))
