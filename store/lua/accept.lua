-- The durable accept of one inbound delivery, atomic in one script call.
-- KEYS[1] idempotency key (lg:{t}:idem:<key>)   KEYS[2] inbound stream (lg:{t}:in)
-- ARGV[1] lead_id   ARGV[2] lead event JSON   ARGV[3] idempotency window (ms)   ARGV[4] max length
-- Returns {'dup', first_lead_id} | {'new', lead_id, stream_id} | error 'LGFULL ...'.
local existing = redis.call('GET', KEYS[1])
if existing then
  return {'dup', existing}
end
local lead_id, event_json = ARGV[1], ARGV[2]
local window = tonumber(ARGV[3])
local max_len = tonumber(ARGV[4])
if not max_len or not window or window <= 0 then
  return redis.error_reply('LGARGS bad window or max length')
end
-- Refusing beats trimming: a trimmed entry would be a lead lost without anyone knowing.
if redis.call('XLEN', KEYS[2]) >= max_len then
  return redis.error_reply('LGFULL inbound backlog full')
end
local id = redis.call('XADD', KEYS[2], '*', 'lead', event_json, 'lead_id', lead_id)
redis.call('SET', KEYS[1], lead_id, 'PX', window)
return {'new', lead_id, id}
