-- Two-way sync state of one destination (store/sync_state.hpp is its caller): the link between a
-- contact and its CRM record, and the pull cursor with the apply of one pulled record, each in
-- one call so a crash can neither advance the cursor past a record it did not apply nor apply
-- a record twice.
--
-- KEYS[1] sync:<d> (HASH cur = cursor epoch s, cur_s = cursor as the CRM wrote it, uid = the
--         integration user's CRM id, counters applied/echoes/unknown/deleted)
-- KEYS[2] sync:<d>:ties (SET <CRM id>:<fingerprint> already taken at the cursor second)
-- KEYS[3] sync:<d>:ids  (HASH contact id -> CRM record id)
-- KEYS[4] sync:<d>:fp   (HASH CRM record id -> fingerprint of what leadgate last wrote)
-- KEYS[5] sync:<d>:lead (HASH CRM record id -> event id of the lead last pushed)
-- KEYS[6] kx:<bucket> holding the identity key ext:<d>:<CRM id> -> contact number
-- KEYS[7] sync:<d>:own  (HASH CRM record id -> JSON: CRM-owned field -> what leadgate last wrote)
-- ARGV[1] tenant prefix lg:{t}:, ARGV[2] op (link | check | apply), then per op:
--   link:  contact id, CRM id, ext key, fingerprint, event id ('' none), modified user ('' none),
--          owned fields last written (JSON object; '' leaves them as they are)
--   check/apply: CRM id, date_modified epoch s, date_modified as written, modified user,
--          fingerprint, status, assigned user, ext key, now (epoch s), timeline cap, dest id,
--          '1' when the CRM deleted the record
-- check/apply return {verdict, contact id, event id, closing (0|1), member the lead moved to};
-- verdict is one of
-- old (before the cursor), dup (taken at the cursor second), echo (leadgate's own write),
-- unknown (no contact linked), same (nothing leadgate keeps changed), change, deleted (a linked
-- record deleted in the CRM: apply unlinks it, so the contact's next push finds or creates a
-- record again, and writes the delete to the timeline; closing when the lead is still open).

local st, ties, ids, fps, leads, kx, own = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7]
local pfx, op = ARGV[1], ARGV[2]

--#include "lib/alias.lua"

local function exists(id) return redis.call('EXISTS', pfx .. 'c:' .. id) == 1 end
local function live(id) return follow_alias(pfx, id, exists) end

if op == 'link' then
  local cid, crm, ext, fp, ev, uid, owned = ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8], ARGV[9]
  redis.call('HSET', ids, cid, crm)
  redis.call('HSET', fps, crm, fp)
  if owned ~= '' then redis.call('HSET', own, crm, owned) end
  if ev ~= '' then redis.call('HSET', leads, crm, ev) end
  if string.sub(cid, 1, 2) == 'c_' then redis.call('HSET', kx, ext, string.sub(cid, 3)) end
  if uid ~= '' then redis.call('HSET', st, 'uid', uid) end
  return 1
end

if op ~= 'check' and op ~= 'apply' then return redis.error_reply('sync_apply: unknown op ' .. tostring(op)) end

local crm, dm, dm_s, muser, fp = ARGV[3], tonumber(ARGV[4]), ARGV[5], ARGV[6], ARGV[7]
local status, auser, ext, now_s, tlcap, dest = ARGV[8], ARGV[9], ARGV[10], tonumber(ARGV[11]), tonumber(ARGV[12]), ARGV[13]
local deleted = ARGV[14] == '1'

local cur = tonumber(redis.call('HGET', st, 'cur') or '-1')
if dm < cur then return {'old', '', '', 0, ''} end
-- A tie is a record id at one content: the same record changed again within the cursor second
-- is a new version, not a duplicate. So is its delete, which leaves the content as it was.
local tie = crm .. ':' .. fp
if deleted then tie = tie .. ':deleted' end
if dm == cur and redis.call('SISMEMBER', ties, tie) == 1 then return {'dup', '', '', 0, ''} end

local verdict, cid, ev, closing, prev, moved = 'change', '', '', 0, {}, ''
local uid = redis.call('HGET', st, 'uid')
-- leadgate deletes nothing, so a delete is never an echo; and a deleted record keeps the fields
-- leadgate last wrote, so its fingerprint would look like one.
if not deleted and ((uid and uid ~= '' and muser == uid) or redis.call('HGET', fps, crm) == fp) then
  verdict = 'echo'
else
  local n = redis.call('HGET', kx, ext)
  cid = n and live('c_' .. n) or nil
  if not cid then
    verdict, cid = 'unknown', ''
  else
    ev = redis.call('HGET', leads, crm) or ''
    if deleted then
      verdict = 'deleted'
      if ev ~= '' then
        local ast = redis.call('HGET', pfx .. 'asg:' .. ev, 'st')
        if ast and ast ~= 'closed' then closing = 1 end
      end
    else
      prev = redis.call('HMGET', pfx .. 'c:' .. cid, 'cs', 'cu')
      if (prev[1] or '') == status and (prev[2] or '') == auser then
        verdict = 'same'
      elseif (status == 'Converted' or status == 'Dead') and (prev[1] or '') ~= status then
        closing = 1
      end
    end
  end
end

if op == 'apply' then
  if dm > cur then
    redis.call('HSET', st, 'cur', dm, 'cur_s', dm_s)
    redis.call('DEL', ties)
  end
  redis.call('SADD', ties, tie)
  if verdict == 'deleted' then
    -- The record is gone: its identity key, echo fingerprint and lead link go with it. The
    -- contact keeps its CRM status only while this record is the one it is linked to.
    redis.call('HDEL', kx, ext)
    redis.call('HDEL', fps, crm)
    redis.call('HDEL', leads, crm)
    redis.call('HDEL', own, crm)
    if redis.call('HGET', ids, cid) == crm then
      redis.call('HDEL', ids, cid)
      redis.call('HDEL', pfx .. 'c:' .. cid, 'cs', 'cu')
    end
    local tk = pfx .. 'tl:' .. cid
    local e = cjson.encode({k = 'crm', dest = dest, crm_id = crm, deleted = 1, by = muser, at = now_s})
    if redis.call('LPUSH', tk, e) > tlcap then redis.call('LTRIM', tk, 0, tlcap - 1) end
    redis.call('HINCRBY', st, 'deleted', 1)
  elseif verdict == 'change' then
    local ck = pfx .. 'c:' .. cid
    redis.call('HSET', ck, 'cs', status, 'cu', auser)
    -- Reassigned in the CRM to a member of the lead's team (by the member's CRM user id): the
    -- open lead moves to that member (load, record, contact owner, team queue). Capacity is not
    -- checked: the CRM's decision stands. A user who is no member changes nothing here.
    if ev ~= '' and auser ~= '' and (prev[2] or '') ~= auser then
      local ak = pfx .. 'asg:' .. ev
      local a = redis.call('HMGET', ak, 'team', 'm', 'st', 'lead')
      local team, old, ast = a[1], a[2], a[3]
      if team and old and (ast == 'assigned' or ast == 'accepted') then
        local ok, members = pcall(cjson.decode, redis.call('HGET', pfx .. 'tm:' .. team, 'm') or '[]')
        if ok and type(members) == 'table' then
          for _, m in ipairs(members) do
            if m ~= old and redis.call('HGET', pfx .. 'mb:' .. team .. ':' .. m, 'crm') == auser then
              redis.call('SREM', pfx .. 'open:' .. team .. ':' .. old, ev)
              redis.call('SADD', pfx .. 'open:' .. team .. ':' .. m, ev)
              redis.call('HSET', ak, 'm', m, 'crm', auser)
              redis.call('HSET', ck, 'o', m)
              redis.call('XADD', pfx .. 'q:' .. team, 'MAXLEN', '~', 100000, '*', 'kind', 'reassign', 'event', ev,
                         'lead', a[4] or '', 'contact', cid, 'member', m, 'crm', auser, 'reason', 'crm')
              moved = m
              break
            end
          end
        end
      end
    end
    local e = {k = 'crm', dest = dest, crm_id = crm, status = status, crm_user = auser, at = now_s}
    if moved ~= '' then e.m = moved end
    local tk = pfx .. 'tl:' .. cid
    if redis.call('LPUSH', tk, cjson.encode(e)) > tlcap then redis.call('LTRIM', tk, 0, tlcap - 1) end
    redis.call('HINCRBY', st, 'applied', 1)
  elseif verdict == 'echo' then
    redis.call('HINCRBY', st, 'echoes', 1)
  elseif verdict == 'unknown' then
    redis.call('HINCRBY', st, 'unknown', 1)
  end
end
return {verdict, cid, ev, closing, moved}
