-- The contact an id names now: a contact merged into another left lg:{t}:alias:<id> naming the
-- one that took it (always a lower id), and the walk follows those. With `is_live` (id -> true
-- when its contact exists) the first live id on the way is the answer, nil when none is; without
-- it, the end of the chain. 16 hops bound a damaged store.
local function follow_alias(prefix, id, is_live)
  for _ = 1, 16 do
    if is_live and is_live(id) then return id end
    local nxt = redis.call('GET', prefix .. 'alias:' .. id)
    if not nxt then
      if is_live then return nil end
      return id
    end
    id = nxt
  end
  if is_live then return nil end
  return id
end
