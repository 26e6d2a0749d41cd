-- A call that would write the outbox (lg:{t}:outbox) is refused before any write while the
-- outbox holds `limit` entries delivery has not copied yet (store/KEYS.md): nothing changes that
-- the sync side would never hear of, and the caller retries later. nil: go on.
local function outbox_full(prefix, limit)
  local len = redis.call('XLEN', prefix .. 'outbox')
  if len >= tonumber(limit) then
    return redis.error_reply('OUTBOX_FULL ' .. prefix .. 'outbox holds ' .. len ..
                             ' entries not yet copied to destinations (limit ' .. limit .. ')')
  end
  return nil
end
