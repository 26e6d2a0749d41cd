-- Stores the tokens a refresh returned, in one step with the lease release (store/tokens.hpp).
-- KEYS[1] lg:{t}:tok:<name> (HASH access_token, expires_at_ms, refresh_token, rotated_at_ms)
-- KEYS[2] lg:{t}:toklease:<name> (STRING owner, PX)
-- ARGV: owner, used refresh token, access token, expires_at_ms, new refresh token, now_ms
-- The provider's refresh token is single-use: the new one is written only if the stored one is
-- still the one this refresh used (or none is stored yet), so a refresh that raced another one
-- (its lease expired meanwhile) can never overwrite a newer rotation. Returns 1 when written.
local owner, used_refresh, access, expires_at_ms, new_refresh, now_ms = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local current = redis.call('HGET', KEYS[1], 'refresh_token')
local written = 0
if current == false or current == used_refresh then
  redis.call('HSET', KEYS[1], 'access_token', access, 'expires_at_ms', expires_at_ms,
             'refresh_token', new_refresh, 'rotated_at_ms', now_ms)
  written = 1
end
if redis.call('GET', KEYS[2]) == owner then redis.call('DEL', KEYS[2]) end
return written
