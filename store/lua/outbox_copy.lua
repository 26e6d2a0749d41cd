-- Copies one outbox entry to the stream of every destination that wants it and acknowledges it
-- in the outbox's consumer group, in one step: a crash can neither lose the entry nor copy it
-- twice. The copy keeps the outbox entry id as its own id (the delivery id, webhook-id); if a
-- destination stream already holds a newer id (it never should) the copy gets a fresh id and
-- carries the delivery id in its `wid` field anyway.
--
-- KEYS[1] lg:{t}:outbox; then per destination i: KEYS[2i] lg:{t}:out:<d>, KEYS[2i+1] lg:{t}:dead:<d>
-- ARGV[1] group; ARGV[2] outbox entry id; ARGV[3] type; ARGV[4] data (JSON); ARGV[5] contact id
-- (ordering key); ARGV[6] now (ms); then per destination i: ARGV[5+2i] max backlog,
-- ARGV[6+2i] max dead letters.
-- A destination whose stream already holds max backlog entries gets the entry as a dead letter
-- (reason backlog_full), replayable: its stream stays bounded and no other destination waits.
-- Once acknowledged, the outbox is trimmed up to this entry (MINID ~, whole nodes only): one
-- fan-out runs per tenant and copies in order, so every older entry is copied already. The
-- outbox keeps only what is not copied yet; its writers refuse new entries when it is full.
-- Returns {copied, dead}.

local group, id, typ, data, contact, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local copied, dead = 0, 0
local n = (#KEYS - 1) / 2
for i = 1, n do
  local stream, dl = KEYS[2 * i], KEYS[2 * i + 1]
  local max_backlog, max_dead = tonumber(ARGV[5 + 2 * i]), ARGV[6 + 2 * i]
  if redis.call('XLEN', stream) >= max_backlog then
    local entry = cjson.encode({id = id, type = typ, data = data, c = contact, n = 0,
                                 at = tonumber(string.match(id, '^(%d+)')) or 0})
    redis.call('XADD', dl, 'MAXLEN', '~', max_dead, '*', 'wid', id, 'contact', contact, 'type', typ,
               'entry', entry, 'status', '0', 'reply', '', 'reason', 'backlog_full', 'attempts', '0',
               'at', now)
    dead = dead + 1
  else
    local ok = redis.pcall('XADD', stream, id, 'wid', id, 'type', typ, 'data', data, 'c', contact)
    if type(ok) == 'table' and ok.err then
      redis.call('XADD', stream, '*', 'wid', id, 'type', typ, 'data', data, 'c', contact)
    end
    copied = copied + 1
  end
end
redis.call('XACK', KEYS[1], group, id)
redis.call('XTRIM', KEYS[1], 'MINID', '~', id)
return {copied, dead}
