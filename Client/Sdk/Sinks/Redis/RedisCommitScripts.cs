namespace OrleansFlow.Sinks.Redis;

/// <summary>The Lua scripts of the exactly-once Redis list writer; each runs atomically on the server.</summary>
internal static class RedisCommitScripts
{
    /// <summary>
    /// Seals a writer's open staging list as a checkpoint's part. KEYS: open list, sealed list, registry;
    /// ARGV: checkpoint id (19 digits). Returns 1 when there was something to seal, else 0.
    /// </summary>
    public const string Seal = """
        redis.call('HDEL', KEYS[3], KEYS[1])
        if redis.call('EXISTS', KEYS[1]) == 0 then
          return 0
        end
        redis.call('RENAME', KEYS[1], KEYS[2])
        redis.call('HSET', KEYS[3], KEYS[2], ARGV[1])
        return 1
        """;

    /// <summary>
    /// Moves a sealed part to the end of the target list and records its checkpoint as committed, unless a checkpoint
    /// at least as new is recorded already (then the part is only deleted) or the part is gone (moved before; parts are
    /// never empty): repeating a commit changes nothing.
    /// KEYS: sealed list, target list, committed marker, registry; ARGV: checkpoint id (19 digits).
    /// Returns the number of records moved, or -1 when the part was committed before. Ids are compared as two exact
    /// numbers (Lua numbers are doubles, too coarse for 19 digits).
    /// </summary>
    public const string Commit = """
        local function at_most(a, b)
          local a_high, b_high = tonumber(string.sub(a, 1, 10)), tonumber(string.sub(b, 1, 10))
          if a_high ~= b_high then
            return a_high < b_high
          end
          return tonumber(string.sub(a, 11)) <= tonumber(string.sub(b, 11))
        end
        local last = redis.call('GET', KEYS[3])
        if last and at_most(ARGV[1], last) then
          redis.call('DEL', KEYS[1])
          redis.call('HDEL', KEYS[4], KEYS[1])
          return -1
        end
        local count = redis.call('LLEN', KEYS[1])
        if count == 0 then
          redis.call('HDEL', KEYS[4], KEYS[1])
          return -1
        end
        local moved = 0
        while moved < count do
          local chunk = redis.call('LRANGE', KEYS[1], moved, moved + 999)
          if #chunk == 0 then
            break
          end
          redis.call('RPUSH', KEYS[2], unpack(chunk))
          moved = moved + #chunk
        end
        redis.call('DEL', KEYS[1])
        redis.call('HDEL', KEYS[4], KEYS[1])
        redis.call('SET', KEYS[3], ARGV[1])
        return moved
        """;
}
