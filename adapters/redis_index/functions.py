"""The index's server-side steps: one Redis Functions library, loaded on every master.

Each function touches keys of one slot only (Cluster runs it on that slot's master, as
one atomic step). Postings functions take the keys of one hash-tag group; the others take
the root hash and a generation's numbers hash, which share the `{ns}` tag. Functions, not
EVAL scripts, because a library is replicated to the replicas and so survives a failover.
Writing functions refuse to start on a master past its `maxmemory` (OOM: nothing half
applied); the ones that only free memory (removal, dropping) are allowed to.

A changed function body needs a new LIBRARY name and new function names: masters keep
what was loaded first, so two versions of the code can share a cluster during a deploy.
"""

from __future__ import annotations

LIBRARY = "audio_ident_fp_1"
LENGTHS, APPEND, CUT = "fp1_lengths", "fp1_append", "fp1_cut"
OPEN, ROWS, LIVE, FRESH = "fp1_open", "fp1_rows", "fp1_live", "fp1_fresh"
PUBLISH, HIDE, SWAP, FORGET = "fp1_publish", "fp1_hide", "fp1_swap", "fp1_forget"

SOURCE = f"""#!lua name={LIBRARY}

-- Entries are 8 bytes: track number (u32 BE), frame (u32 BE); a key's entries are sorted.
local function number_at(value, index)
  return (struct.unpack('>I4', value, index * 8 + 1))
end

-- The index of the first entry whose track number is at least `number`.
local function first_at_least(value, number)
  local low, high = 0, #value / 8
  while low < high do
    local middle = math.floor((low + high) / 2)
    if number_at(value, middle) < number then low = middle + 1 else high = middle end
  end
  return low
end

-- KEYS: postings keys. The bytes each holds.
local function lengths(keys)
  local found = {{}}
  for i, key in ipairs(keys) do found[i] = redis.call('STRLEN', key) end
  return found
end

-- KEYS: postings keys; ARGV: a track number, then one sorted block of its entries per key.
local function append(keys, args)
  local number = tonumber(args[1])
  for i, key in ipairs(keys) do
    local block = args[i + 1]
    local size = redis.call('STRLEN', key)
    local last = -1
    if size >= 8 then
      last = (struct.unpack('>I4', redis.call('GETRANGE', key, size - 8, size - 5)))
    end
    if last < number then
      redis.call('APPEND', key, block)
    elseif last > number then
      -- A later track is there already: insert in order, never twice.
      local value = redis.call('GET', key)
      local at = first_at_least(value, number)
      if at == #value / 8 or number_at(value, at) ~= number then
        local before, after = string.sub(value, 1, at * 8), string.sub(value, at * 8 + 1)
        redis.call('SET', key, before .. block .. after)
      end
    end
    -- last == number: this block is there already (a command resent after a lost reply).
  end
  return #keys
end

-- KEYS: postings keys; ARGV: a track number. Removes its entries; returns how many.
local function cut(keys, args)
  local number = tonumber(args[1])
  local removed = 0
  for _, key in ipairs(keys) do
    local value = redis.call('GET', key)
    if value then
      local from = first_at_least(value, number)
      local to = first_at_least(value, number + 1)
      if to > from then
        removed = removed + to - from
        if to - from == #value / 8 then
          redis.call('DEL', key)
        else
          redis.call('SET', key, string.sub(value, 1, from * 8) .. string.sub(value, to * 8 + 1))
        end
      end
    end
  end
  return removed
end

local function generation_fields(generation)
  local g = 'g' .. generation .. ':'
  return g .. 'state', g .. 'next', g .. 'seq', g .. 'frames', g .. 'entries'
end

-- KEYS: root. The live generation: id, last publication, frames, entries ({{}} if none).
local function open(keys)
  local current = redis.call('HGET', keys[1], 'current')
  if not current then return {{}} end
  local _, _, seq, frames, entries = generation_fields(current)
  local got = redis.call('HMGET', keys[1], seq, frames, entries)
  return {{tonumber(current), tonumber(got[1] or 0), tonumber(got[2] or 0),
    tonumber(got[3] or 0)}}
end

-- KEYS: root, numbers; ARGV: generation, 4-byte track numbers. The generation's state,
-- then each number's row (nil when the track is not visible).
local function rows(keys, args)
  local state = redis.call('HGET', keys[1], (generation_fields(args[1])))
  local found = {{state or 'gone'}}
  local batch = {{}}
  local function flush()
    if #batch > 0 then
      for _, row in ipairs(redis.call('HMGET', keys[2], unpack(batch))) do
        found[#found + 1] = row
      end
      batch = {{}}
    end
  end
  for i = 2, #args do
    batch[#batch + 1] = args[i]
    if #batch == 1000 then flush() end
  end
  flush()
  return found
end

-- KEYS: root. The live generation, made (empty) if there is none yet.
local function live(keys)
  local current = redis.call('HGET', keys[1], 'current')
  if current then return tonumber(current) end
  local made = redis.call('HINCRBY', keys[1], 'gens', 1)
  redis.call('HSET', keys[1], 'current', made, (generation_fields(made)), 'live')
  return made
end

-- KEYS: root. A new, empty generation to rebuild into.
local function fresh(keys)
  local made = redis.call('HINCRBY', keys[1], 'gens', 1)
  redis.call('HSET', keys[1], (generation_fields(made)), 'building')
  return made
end

-- KEYS: root, numbers; ARGV: generation, 4-byte number, row without its sequence (uuid,
-- frames, entries). Makes the track visible, once; returns its publication sequence.
local function publish(keys, args)
  local known = redis.call('HGET', keys[2], args[2])
  if known then return (struct.unpack('>I4', known, 25)) end
  local _, _, seq, frames, entries = generation_fields(args[1])
  local head = args[3]
  local published = redis.call('HINCRBY', keys[1], seq, 1)
  redis.call('HSET', keys[2], args[2], head .. struct.pack('>I4', published))
  redis.call('HINCRBY', keys[1], frames, (struct.unpack('>I4', head, 17)))
  redis.call('HINCRBY', keys[1], entries, (struct.unpack('>I4', head, 21)))
  return published
end

-- KEYS: root, numbers; ARGV: generation, 4-byte number. Hides the track (before its
-- postings go); returns 1 if it was visible.
local function hide(keys, args)
  local row = redis.call('HGET', keys[2], args[2])
  if not row then return 0 end
  local _, _, _, frames, entries = generation_fields(args[1])
  redis.call('HDEL', keys[2], args[2])
  redis.call('HINCRBY', keys[1], frames, -(struct.unpack('>I4', row, 17)))
  redis.call('HINCRBY', keys[1], entries, -(struct.unpack('>I4', row, 21)))
  return 1
end

-- KEYS: root; ARGV: the generation to make live. Returns the one it replaced (0: none).
local function swap(keys, args)
  local old = redis.call('HGET', keys[1], 'current')
  redis.call('HSET', keys[1], 'current', args[1], (generation_fields(args[1])), 'live')
  if old and old ~= args[1] then
    redis.call('HSET', keys[1], (generation_fields(old)), 'retired')
    return tonumber(old)
  end
  return 0
end

-- KEYS: root, numbers; ARGV: a generation whose postings and records are gone.
local function forget(keys, args)
  redis.call('DEL', keys[2])
  redis.call('HDEL', keys[1], generation_fields(args[1]))
  return 1
end

local reading = {{'no-writes'}}
local freeing = {{'allow-oom'}}
redis.register_function{{function_name='{LENGTHS}', callback=lengths, flags=reading}}
redis.register_function{{function_name='{APPEND}', callback=append}}
redis.register_function{{function_name='{CUT}', callback=cut, flags=freeing}}
redis.register_function{{function_name='{OPEN}', callback=open, flags=reading}}
redis.register_function{{function_name='{ROWS}', callback=rows, flags=reading}}
redis.register_function{{function_name='{LIVE}', callback=live}}
redis.register_function{{function_name='{FRESH}', callback=fresh}}
redis.register_function{{function_name='{PUBLISH}', callback=publish}}
redis.register_function{{function_name='{HIDE}', callback=hide, flags=freeing}}
redis.register_function{{function_name='{SWAP}', callback=swap}}
redis.register_function{{function_name='{FORGET}', callback=forget, flags=freeing}}
"""
