-- Names: whether two folded names are two people (a household) or one person written
-- differently. core/same_person.hpp states the rule; this is its mirror, word for word, held to
-- the same table (tests/support/person_pairs.hpp) by tests/integration/identity_household_test.
local function words(s)
  local w = {}
  for x in string.gmatch(s, '%S+') do w[#w + 1] = x end
  return w
end
-- a[a0..a1] appears in b[b0..b1] in order.
local function in_order(a, a0, a1, b, b0, b1)
  local i = a0
  for j = b0, b1 do
    if i > a1 then break end
    if a[i] == b[j] then i = i + 1 end
  end
  return i > a1
end
-- a[a0..a1] is b[b0..b1] without its family name and/or some middle names, same given name.
local function shortened(a, a0, a1, b, b0, b1)
  if a1 < a0 or a1 - a0 > b1 - b0 or a[a1] ~= b[b1] then return false end
  return in_order(a, a0, a1 - 1, b, b0, b1 - 1)
end
-- g is v with the family name written last ("thi lan nguyen", "lan nguyen", "lan thi nguyen").
local function family_last(g, v)
  local n, m = #g, #v
  if n < 2 or m < 2 or n > m or g[n] ~= v[1] then return false end
  if shortened(g, 1, n - 1, v, 2, m) then return true end
  return g[1] == v[m] and in_order(g, 2, n - 1, v, 2, m - 1)
end
local function different(a, b)
  if a == '' or b == '' or a == b then return false end
  local x, y = words(a), words(b)
  if #x > 12 or #y > 12 then return true end
  return not (shortened(x, 1, #x, y, 1, #y) or shortened(y, 1, #y, x, 1, #x) or family_last(x, y) or
              family_last(y, x))
end
