global using Event = (long Ts, string Key, long Value);
